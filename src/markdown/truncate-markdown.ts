import { formatCount } from "./format-count.js";

/**
 * Cuts `text` to at most `budget` characters at a line boundary and says how much was left
 * out, so an output never exceeds GitHub's limit and never hides that it was cut.
 */
export function truncateMarkdown(text: string, budget: number, where = "the rest is not shown"): string {
  if (text.length <= budget) return text;
  const note = `\n\n… output cut at ${formatCount(budget)} characters; ${where}.`;
  const room = Math.max(0, budget - note.length);
  const cut = text.lastIndexOf("\n", room);
  return text.slice(0, cut > room / 2 ? cut : room) + note;
}
