import { describe, expect, it } from "vitest";
import { codeSpan, escapeHtml, escapeMarkdownText, fencedCodeBlock } from "../../src/markdown/markdown-code.js";

/** The content CommonMark reads back from a code span (one space stripped from both sides when both have one). */
function readCodeSpan(span: string): string {
  const fence = /^`+/.exec(span)![0];
  expect(span.endsWith(fence)).toBe(true);
  let content = span.slice(fence.length, span.length - fence.length);
  expect(content).not.toContain(fence);
  if (content.length > 2 && content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "") {
    content = content.slice(1, -1);
  }
  return content;
}

describe("markdown code", () => {
  it.each(["plain", "a`b", "``starts", "ends``", " padded ", "`", "x ``` y"])("code span of %j reads back unchanged", (text) => {
    expect(readCodeSpan(codeSpan(text))).toBe(text);
  });

  it("puts a code span on one line and escapes pipes for tables", () => {
    expect(codeSpan("a\n\nb")).toBe("`a b`");
    expect(codeSpan("a|b", true)).toBe("`a\\|b`");
  });

  it("fences a block with more backticks than any run inside, indented for a list item", () => {
    expect(fencedCodeBlock("x ```` y\n</details>", "  ")).toBe("  `````\n  x ```` y\n  </details>\n  `````\n");
    expect(fencedCodeBlock("plain")).toBe("```\nplain\n```\n");
  });

  it("replaces control characters and normalises line ends", () => {
    expect(fencedCodeBlock("a\r\nb\u0000c\rd")).toBe("```\na\nb\uFFFDc\nd\n```\n");
  });

  it("escapes HTML and Markdown punctuation", () => {
    expect(escapeHtml(`<b a="1">&</b>`)).toBe("&lt;b a=&quot;1&quot;&gt;&amp;&lt;/b&gt;");
    expect(escapeMarkdownText("*x* [y](z) <a>")).toBe("\\*x\\* \\[y\\]\\(z\\) \\<a\\>");
  });
});
