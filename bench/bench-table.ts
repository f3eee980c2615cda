/** One benchmark's result: a titled table, plus notes printed under it. */
export interface BenchTable {
  title: string;
  headers: string[];
  rows: string[][];
  notes?: string[];
}

/** The table as aligned text: numbers right-aligned, text left-aligned. */
export function formatBenchTable(table: BenchTable): string {
  const widths = table.headers.map((header, column) => Math.max(header.length, ...table.rows.map((row) => (row[column] ?? "").length)));
  const numeric = table.headers.map((_, column) => table.rows.every((row) => /^[-\d.,×+ ()]*$/.test(row[column] ?? "")));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join("  ").trimEnd();
  return [
    table.title,
    "=".repeat(table.title.length),
    line(table.headers),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...table.rows.map(line),
    ...(table.notes?.length ? ["", ...table.notes.flatMap((note) => wrap(note, NOTE_WIDTH).map((text, i) => `${i === 0 ? "  - " : "    "}${text}`))] : []),
  ].join("\n");
}

const NOTE_WIDTH = 110;

/** Splits text into lines of at most `width` characters at spaces (a longer word keeps its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Milliseconds with a sensible number of digits. */
export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** A ratio such as "12.3×". */
export function formatRatio(ratio: number): string {
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}
