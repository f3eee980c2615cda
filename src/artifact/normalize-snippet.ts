/**
 * A non-empty text whose only whitespace is single spaces between other characters, which
 * normalising leaves as it is. One pass with no alternatives to try at each character, which
 * is about twice as fast as looking for a run, another whitespace character or an end.
 */
const NORMAL_SNIPPET = /^\S+(?: \S+)*$/;

/** Collapses runs of whitespace to one space and trims, so re-indented code keeps its identity. */
export function normalizeSnippet(snippet: string): string {
  // Most snippets are normal already; testing is cheaper than building the same string again.
  return NORMAL_SNIPPET.test(snippet) ? snippet : snippet.replace(/\s+/gu, " ").trim();
}
