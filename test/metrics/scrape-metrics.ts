/** One scrape of a Prometheus text exposition: each series' value, and the metric names it declares. */
export interface Scrape {
  /** Value of a series, by its name and labels (order of labels does not matter); undefined when absent. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Every series of a metric family, as labels and value. */
  series(name: string): Array<{ labels: Record<string, string>; value: number }>;
  /**
   * Every metric name a query can use: each `# TYPE` family, with `_bucket`, `_sum` and `_count`
   * for histograms and `_sum`, `_count` for summaries.
   */
  names: Set<string>;
}

const SERIES_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** GETs `url` and parses the text it answers (200 expected). */
export async function scrapeMetrics(url: string): Promise<Scrape> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return parseMetricsText(await response.text());
}

export function parseMetricsText(text: string): Scrape {
  const rows: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      names.add(name);
      if (kind === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
      if (kind === "summary") for (const suffix of ["_sum", "_count"]) names.add(name + suffix);
      continue;
    }
    if (line.startsWith("#") || line.trim() === "") continue;
    const match = SERIES_LINE.exec(line);
    if (!match) throw new Error(`not a series line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? "").matchAll(LABEL)) labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    rows.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([key, value]) => a[key] === value);
  return {
    names,
    value: (name, labels = {}) => rows.find((row) => row.name === name && sameLabels(row.labels, labels))?.value,
    series: (name) => rows.filter((row) => row.name === name).map(({ labels, value }) => ({ labels, value })),
  };
}
