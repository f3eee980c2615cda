/**
 * Splits GitHub Markdown as the renderer sees it into code (fenced blocks, inline code spans,
 * `<code>` elements) and the text around it, so tests can check what GitHub would link (only
 * text) and what must stay exactly as written (code).
 */
export interface MarkdownRegions {
  code: string[];
  text: string[];
}

function splitLine(line: string, regions: MarkdownRegions): void {
  let text = "";
  let i = 0;
  while (i < line.length) {
    if (line.startsWith("<code>", i)) {
      const end = line.indexOf("</code>", i + 6);
      if (end !== -1) {
        regions.code.push(line.slice(i + 6, end));
        i = end + 7;
        continue;
      }
    }
    if (line[i] === "`") {
      let n = 0;
      while (line[i + n] === "`") n++;
      const fence = "`".repeat(n);
      let close = line.indexOf(fence, i + n);
      // The closing run must be exactly as long as the opening one.
      while (close !== -1 && (line[close + n] === "`" || line[close - 1] === "`")) {
        let runEnd = close;
        while (line[runEnd] === "`") runEnd++;
        close = line.indexOf(fence, runEnd);
      }
      if (close !== -1) {
        regions.code.push(line.slice(i + n, close));
        i = close + n;
        continue;
      }
      text += fence;
      i += n;
      continue;
    }
    text += line[i];
    i++;
  }
  regions.text.push(text);
}

export function markdownRegions(markdown: string): MarkdownRegions {
  const regions: MarkdownRegions = { code: [], text: [] };
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const marker = /^ *(`{3,})\s*$/.exec(line);
    if (fence === undefined && marker) {
      fence = marker[1];
    } else if (fence !== undefined) {
      if (marker && marker[1]!.length >= fence.length) fence = undefined;
      else regions.code.push(line);
    } else {
      splitLine(line, regions);
    }
  }
  return regions;
}
