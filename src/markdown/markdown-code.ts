/**
 * Building blocks that put untrusted text into GitHub Markdown without letting it change the
 * layout: code spans and fences that the text cannot close, HTML-escaped text for raw HTML
 * (`<summary>`), and backslash-escaped plain text.
 */

function longestBacktickRun(text: string): number {
  let longest = 0;
  let current = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 96) {
      current++;
      if (current > longest) longest = current;
    } else {
      current = 0;
    }
  }
  return longest;
}

/** Control characters other than tab and newline are shown as U+FFFD. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Normalises line ends and replaces control characters. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "\uFFFD");
}

/** One line: every run of whitespace (newlines included) becomes a single space. */
export function singleLine(text: string): string {
  return cleanText(text).replace(/\s+/g, " ");
}

/**
 * An inline code span holding `text` on one line. The delimiter is one backtick longer than
 * any run inside, and padding spaces keep a leading or trailing backtick from merging with it.
 * Pass `inTable` for table cells, where `|` must be escaped even inside code.
 */
export function codeSpan(text: string, inTable = false): string {
  let content = singleLine(text);
  if (inTable) content = content.replace(/\|/g, "\\|");
  if (content.length === 0) content = " ";
  const fence = "`".repeat(longestBacktickRun(content) + 1);
  const pad = content.startsWith("`") || content.endsWith("`") || content.startsWith(" ") || content.endsWith(" ") ? " " : "";
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * A fenced code block holding `text`, each line prefixed by `indent` (for list items).
 * The fence is longer than any backtick run in the text, so no line can close it, and the
 * block ends with a newline.
 */
export function fencedCodeBlock(text: string, indent = ""): string {
  const content = cleanText(text);
  const fence = "`".repeat(Math.max(3, longestBacktickRun(content) + 1));
  const lines = content.split("\n");
  let out = `${indent}${fence}\n`;
  for (const line of lines) out += `${indent}${line}\n`;
  return `${out}${indent}${fence}\n`;
}

/** Text for raw HTML such as `<summary>`: one line, `&`, `<`, `>` and `"` escaped. */
export function escapeHtml(text: string): string {
  return singleLine(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** Plain Markdown text on one line with every ASCII punctuation character backslash-escaped. */
export function escapeMarkdownText(text: string): string {
  return singleLine(text).replace(/[!-/:-@[-`{-~]/g, "\\$&");
}
