import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";

const marked = new Marked({ gfm: true, breaks: false, async: false });

/**
 * Markdown as GitHub shows it in an issue: GitHub-flavoured Markdown with raw HTML allowed
 * (`<details>`, `<summary>`, `<sub>`…), then sanitised to an allowlist so no script, style,
 * event handler or comment of the text reaches the page.
 */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, "details", "summary", "del", "ins", "sub", "sup", "kbd", "input"],
    allowedAttributes: {
      a: ["href", "title"],
      details: ["open"],
      code: ["class"],
      input: ["type", "checked", "disabled"],
      th: ["align"],
      td: ["align"],
    },
    allowedSchemes: ["http", "https", "mailto"],
    transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "nofollow noopener" }) },
  });
}
