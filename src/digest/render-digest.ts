import type { DigestTotals } from "./compute-digest-state.js";
import type { DigestFinding, DigestSeverity } from "./digest-finding.js";
import { compareDigestFindings, SEVERITIES_DESCENDING, severityRank } from "./digest-finding.js";
import { formatDigestMarker } from "./digest-marker.js";
import { assertBlobHost, findingLocation, safeCode, safeText, shorten, snippetBlock } from "./finding-markdown.js";
import { compareWorstFirst, type PatternFeedback } from "../feedback/pattern-feedback.js";
import { formatCount } from "../markdown/format-count.js";
import { codeSpan, escapeHtml, escapeMarkdownText, singleLine } from "../markdown/markdown-code.js";

export interface DigestRepoIssue {
  repo: string;
  issueNumber: number;
  url: string;
}

export interface DigestView {
  auditId: string;
  /** Title template; `{audit_id}` is replaced. Default `Audit digest: {audit_id}`. */
  title?: string;
  /**
   * `generated_at` of the first scan that produced these findings (the artifact's own for a
   * first digest): the only time that appears in the body, as "unchanged since", so a later scan
   * with the same findings renders the same body. The latest scan's time is in the check run
   * and `/audit status`.
   */
  generatedAt: string;
  complete: boolean;
  /** Host for blob links, e.g. `github.com`. */
  host: string;
  findings: readonly DigestFinding[];
  totals: DigestTotals;
  /** Operational notes shown near the top (storm breaker, rate budget, …). */
  notices?: readonly string[];
  perRepoIssues?: readonly DigestRepoIssue[];
  /**
   * Characters of each fingerprint shown, when more than the view's own findings need: a
   * per-repository issue shows as many as its digest, so a prefix names the same finding in both.
   */
  fingerprintLength?: number;
  /** Where the complete list is, e.g. a check run URL or "run `audit-digest render <file>`". */
  fullListHint?: string;
  /**
   * The digest's findings counted per pattern and outcome (dismissed, suppressed, open,
   * resolved): the footer names the patterns with the highest false-positive rate.
   */
  patternFeedback?: readonly PatternFeedback[];
  /** Maximum body length in characters. Default 60,000; at least 10,000. */
  budget?: number;
}

export interface RenderedDigest {
  title: string;
  body: string;
  /** Findings of the view listed nowhere in the body. */
  omitted: number;
}

export const DEFAULT_DIGEST_BUDGET = 60_000;
export const MIN_DIGEST_BUDGET = 10_000;
export const DEFAULT_DIGEST_TITLE = "Audit digest: {audit_id}";

/** GitHub's limit for issue titles. */
const TITLE_MAX = 256;
const NOTICE_MAX = 1_000;
const NOTICES_TOTAL_MAX = 3_000;
const HINT_MAX = 500;
/** Share of the budget the repository/severity table may take. */
const TABLE_SHARE = 0.2;
/** Snippet lengths: in full, and once cut to make room (also used in per-repository details). */
const SNIPPET_FULL = 2_000;
const SNIPPET_SHORT = 160;
const SHOWN_TEXT_MAX = 200;

/** Patterns the footer names by false-positive rate, and how much of each name it shows. */
const FEEDBACK_PATTERNS_SHOWN = 3;
const FEEDBACK_PATTERN_MAX = 80;

const DEFAULT_HINT = "run `audit-digest render <artifact>` on the artifact";

/** The shortest fingerprint prefix shown: enough to type, and unique in any realistic digest. */
const SHORT_FINGERPRINT_MIN = 8;

/**
 * How many characters of a fingerprint the digest shows: the fewest (at least 8) that tell
 * every finding of the view apart, so a person can name one in an `/audit` command.
 */
export function shortFingerprintLength(findings: readonly { fingerprint: string }[]): number {
  const sorted = [...new Set(findings.map((f) => f.fingerprint))].sort();
  let length = SHORT_FINGERPRINT_MIN;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as string;
    const b = sorted[i] as string;
    let common = 0;
    while (common < a.length && a[common] === b[common]) common++;
    length = Math.max(length, common + 1);
  }
  return length;
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isOpen(finding: DigestFinding): boolean {
  return finding.status === "new" || finding.status === "open";
}

/** Text from the artifact shown as plain text: scrubbed, neutralised, one line, bounded. */
function shownText(text: string, max = SHOWN_TEXT_MAX): string {
  return shorten(singleLine(safeText(text)), max);
}

/** Text from the artifact shown in code (spans, `<code>`): scrubbed, one line, bounded. */
function shownCode(text: string, max = SHOWN_TEXT_MAX): string {
  return shorten(singleLine(safeCode(text)), max);
}

export function renderDigestTitle(template: string | undefined, auditId: string): string {
  const title = singleLine(safeText((template ?? DEFAULT_DIGEST_TITLE).replaceAll("{audit_id}", auditId))).trim();
  return shorten(title === "" ? `Audit digest: ${auditId}` : title, TITLE_MAX);
}

/**
 * The footer line naming the patterns most often dismissed as false positive, worst first
 * (at most three, each name shortened): `` `p` 3 of 5 (60%) ``. Empty when none was.
 */
function renderFeedbackLine(feedback: readonly PatternFeedback[]): string {
  const worst = feedback
    .filter((line) => line.counts.false_positive > 0)
    .sort(compareWorstFirst)
    .slice(0, FEEDBACK_PATTERNS_SHOWN);
  if (worst.length === 0) return "";
  const items = worst.map(
    (line) =>
      `${codeSpan(shownCode(line.pattern, FEEDBACK_PATTERN_MAX))} ${formatCount(line.counts.false_positive)} of ${formatCount(line.findings)} ` +
      `(${Math.round(line.falsePositiveRate * 100)}%)`,
  );
  return `<sub>Dismissed as false positive, worst patterns: ${items.join(" · ")}</sub>\n\n`;
}

/** Appends parts while they fit in a fixed number of characters. */
class BoundedText {
  private readonly parts: string[] = [];
  private used = 0;

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.used;
  }

  get room(): number {
    return this.capacity - this.used;
  }

  /** Appends `text` when it fits (keeping `reserve` characters free) and says whether it did. */
  tryAdd(text: string, reserve = 0): boolean {
    if (this.used + text.length + reserve > this.capacity) return false;
    this.parts.push(text);
    this.used += text.length;
    return true;
  }

  toString(): string {
    return this.parts.join("");
  }
}

interface Listing {
  text: string;
  /** Indices (into the sorted findings) of the findings it lists. */
  shown: number[];
}

/**
 * Lists items under a header while they fit in `room`. When not all fit, the listing ends with
 * a line saying how many more there are. Returns `undefined` when not even one item fits.
 */
function fillListing(
  header: string,
  footer: string,
  items: readonly number[],
  render: (index: number) => string,
  room: number,
  moreLine: (count: number) => string,
): Listing | undefined {
  const reserveMore = moreLine(items.length).length;
  const out = new BoundedText(room - footer.length);
  if (!out.tryAdd(header)) return undefined;
  const shown: number[] = [];
  for (const index of items) {
    const remaining = items.length - shown.length - 1;
    const text = render(index);
    // Keep room for the "more" line unless this is the last item.
    if (!out.tryAdd(text, remaining > 0 ? reserveMore : 0)) break;
    shown.push(index);
  }
  if (shown.length === 0) return undefined;
  if (shown.length < items.length) out.tryAdd(moreLine(items.length - shown.length));
  return { text: `${out.toString()}${footer}`, shown };
}

/** A URL made safe as a Markdown link destination (in a table cell) without re-encoding what is already encoded. */
function linkDestination(url: string): string {
  return url.replace(/[\s()<>\\|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

function severityBreakdown(counts: Readonly<Record<DigestSeverity, number>>): string {
  return SEVERITIES_DESCENDING.filter((s) => counts[s] > 0)
    .map((s) => `${formatCount(counts[s])} ${s}`)
    .join(", ");
}

function emptyCounts(): Record<DigestSeverity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0 };
}

function renderTable(
  open: readonly DigestFinding[],
  perRepoIssues: readonly DigestRepoIssue[],
  maxChars: number,
): string {
  if (open.length === 0) return "";
  const byRepo = new Map<string, Record<DigestSeverity, number>>();
  for (const finding of open) {
    let counts = byRepo.get(finding.repo);
    if (counts === undefined) {
      counts = emptyCounts();
      byRepo.set(finding.repo, counts);
    }
    counts[finding.severity]++;
  }
  const issues = new Map<string, DigestRepoIssue>();
  for (const issue of perRepoIssues) if (!issues.has(issue.repo)) issues.set(issue.repo, issue);
  const withIssues = issues.size > 0;

  const rows = [...byRepo.entries()].sort(
    ([ra, a], [rb, b]) =>
      b.critical - a.critical || b.high - a.high || b.medium - a.medium || b.low - a.low || compareText(ra, rb),
  );
  const header =
    `### Open findings by repository and severity\n\n` +
    `| Repository | Critical | High | Medium | Low | Open |${withIssues ? " Issue |" : ""}\n` +
    `|:--|--:|--:|--:|--:|--:|${withIssues ? ":--|" : ""}\n`;
  const emptyCells = withIssues ? " | | | | | | |" : " | | | | | |";
  const moreRow = (repos: number, findings: number): string =>
    `| _…and ${plural(repos, "more repository", "more repositories")} (${plural(findings, "open finding", "open findings")})_${emptyCells}\n`;

  const out = new BoundedText(maxChars - 1);
  if (!out.tryAdd(header)) return "";
  const reserve = moreRow(rows.length, open.length).length;
  let listed = 0;
  let listedFindings = 0;
  for (const [repo, counts] of rows) {
    const total = counts.critical + counts.high + counts.medium + counts.low;
    const issue = issues.get(repo);
    const issueCell = withIssues
      ? issue === undefined
        ? " |"
        : ` [issue](${linkDestination(issue.url)}) |`
      : "";
    const row =
      `| ${codeSpan(shownCode(repo), true)} | ${formatCount(counts.critical)} | ${formatCount(counts.high)} | ${formatCount(counts.medium)} | ${formatCount(counts.low)} | ${formatCount(total)} |` +
      `${issueCell}\n`;
    if (!out.tryAdd(row, listed + 1 < rows.length ? reserve : 0)) break;
    listed++;
    listedFindings += total;
  }
  if (listed < rows.length) out.tryAdd(moreRow(rows.length - listed, open.length - listedFindings));
  return `${out.toString()}\n`;
}

interface Group {
  repo: string;
  pattern: string;
  items: number[];
  counts: Record<DigestSeverity, number>;
  top: number;
}

function groupOpenFindings(sorted: readonly DigestFinding[]): Group[] {
  const groups = new Map<string, Group>();
  sorted.forEach((finding, index) => {
    if (!isOpen(finding)) return;
    const key = `${finding.repo}\u0000${finding.pattern}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { repo: finding.repo, pattern: finding.pattern, items: [], counts: emptyCounts(), top: 0 };
      groups.set(key, group);
    }
    group.items.push(index);
    group.counts[finding.severity]++;
    group.top = Math.max(group.top, severityRank(finding.severity));
  });
  return [...groups.values()].sort(
    (a, b) => b.top - a.top || compareText(a.repo, b.repo) || compareText(a.pattern, b.pattern),
  );
}

/**
 * Renders the digest issue for one audit_id.
 *
 * Body, most important first: hidden marker; partial-scan warning and notices; totals; open
 * findings by repository and severity (a table, at most a fifth of the budget); new findings;
 * open findings per repository and pattern (collapsible); suppressed (collapsible); resolved
 * since the last update (collapsible, short); a note on what was left out; visible footer (with
 * the false-positive rate of the worst patterns, once a finding was dismissed as one).
 *
 * The body never exceeds the budget. Room is given in priority order, so the cuts happen in
 * this order: resolved list, suppressed list, per-repository details, snippet length in the
 * new-findings list, and finally the new-findings list itself. A section gets room only when
 * every section before it was listed in full (new findings with shortened snippets count as
 * listed in full: the room they leave goes to the per-repository details). Whatever is cut is counted in
 * `omitted` and the body says exactly how many findings are not shown and where the full list is.
 *
 * Deterministic: the same view gives a byte-identical result.
 */
export function renderDigest(view: DigestView): RenderedDigest {
  const budget = view.budget ?? DEFAULT_DIGEST_BUDGET;
  if (!Number.isSafeInteger(budget) || budget < MIN_DIGEST_BUDGET) {
    throw new RangeError(`digest budget must be an integer of at least ${MIN_DIGEST_BUDGET} characters, got ${budget}`);
  }
  assertBlobHost(view.host);
  const marker = formatDigestMarker(view.auditId);
  const title = renderDigestTitle(view.title, view.auditId);
  const host = view.host;

  const sorted = [...view.findings].sort(compareDigestFindings);
  const open = sorted.filter(isOpen);
  const idLength = Math.max(shortFingerprintLength(sorted), view.fingerprintLength ?? 0);
  const shortId = (f: DigestFinding): string => ` · ${codeSpan(f.fingerprint.slice(0, idLength))}`;

  // Head: marker, warnings and notices, totals, table.
  let head = `${marker}\n\n`;
  if (!view.complete) {
    head +=
      `> [!WARNING]\n> **Partial scan.** This artifact is marked \`complete: false\`: findings missing from it stay open, ` +
      `and nothing is resolved or closed until a complete scan arrives.\n\n`;
  }
  const notices = (view.notices ?? []).map((n) => shorten(singleLine(safeText(n)), NOTICE_MAX)).filter((n) => n !== "");
  if (notices.length > 0) {
    let block = "> [!NOTE]\n";
    for (const notice of notices) {
      const line = `> ${notice}\n>\n`;
      if (block.length + line.length > NOTICES_TOTAL_MAX) break;
      block += line;
    }
    head += `${block.replace(/>\n$/, "")}\n`;
  }
  const t = view.totals;
  head +=
    `**Open: ${formatCount(t.open)}** · **New since last update: ${formatCount(t.new)}** · ` +
    `**Resolved: ${formatCount(t.resolved)}** · **Suppressed: ${formatCount(t.suppressed)}**\n\n` +
    `Audit ${codeSpan(view.auditId)} · findings unchanged since the scan generated at ${codeSpan(shownCode(view.generatedAt, 64))}\n\n`;
  if (open.length === 0) head += view.complete ? "No open findings.\n\n" : "No open findings in this partial scan.\n\n";
  head += renderTable(open, view.perRepoIssues ?? [], Math.floor(budget * TABLE_SHARE));

  const footer = `${renderFeedbackLine(view.patternFeedback ?? [])}<sub>audit-digest · audit_id: ${codeSpan(view.auditId)}</sub>\n`;
  const hint = shorten(singleLine(safeText(view.fullListHint ?? DEFAULT_HINT)), HINT_MAX);
  const omittedNote = (omitted: readonly number[]): string => {
    const [openCount = 0, suppressedCount = 0, resolvedCount = 0] = omitted;
    const total = openCount + suppressedCount + resolvedCount;
    const parts = [
      openCount > 0 ? `${formatCount(openCount)} open` : "",
      suppressedCount > 0 ? `${formatCount(suppressedCount)} suppressed` : "",
      resolvedCount > 0 ? `${formatCount(resolvedCount)} resolved` : "",
    ].filter((p) => p !== "");
    return (
      `---\n\n**${plural(total, "finding is", "findings are")} not shown here** (${parts.join(", ")}) ` +
      `to keep this issue within GitHub's size limit. Full list: ${hint}\n\n`
    );
  };
  const n = sorted.length;
  const noteReserve = omittedNote([n, n, n]).length;

  const room = budget - head.length - footer.length - noteReserve;
  if (room < 0) throw new RangeError(`digest budget ${budget} is too small for the digest header`);
  const sections = new BoundedText(room);
  const shown = new Uint8Array(n);
  const mark = (listing: Listing): void => {
    for (const index of listing.shown) shown[index] = 1;
  };
  const finding = (index: number): DigestFinding => sorted[index] as DigestFinding;

  // Once a section could not be listed in full, the sections after it get no room at all,
  // even if a short line would still fit: cuts follow the priority order strictly.
  let complete = true;

  // New findings: full snippets, else shortened snippets, else as many as fit.
  const newItems: number[] = [];
  sorted.forEach((f, i) => {
    if (f.status === "new") newItems.push(i);
  });
  if (newItems.length > 0) {
    const header = `### New since last update (${formatCount(newItems.length)})\n\n`;
    const renderNew = (maxSnippet: number) => (index: number): string => {
      const f = finding(index);
      const rule = f.ruleId === undefined ? "" : ` · rule ${codeSpan(shownCode(f.ruleId))}`;
      return (
        `- **${f.severity}** · ${codeSpan(shownCode(f.repo))} · ${findingLocation(host, f)} · ` +
        `${codeSpan(shownCode(f.pattern))}${rule}${shortId(f)}\n${snippetBlock(f.snippet, maxSnippet)}`
      );
    };
    const more = (count: number): string => `- _…and ${plural(count, "more new finding", "more new findings")} not shown_\n`;
    const footerNew = "\n";
    let listing: Listing | undefined;
    for (const maxSnippet of [SNIPPET_FULL, SNIPPET_SHORT]) {
      listing = fillListing(header, footerNew, newItems, renderNew(maxSnippet), sections.room, more);
      if (listing !== undefined && listing.shown.length === newItems.length) break;
    }
    if (listing !== undefined && sections.tryAdd(listing.text)) mark(listing);
    complete = listing !== undefined && listing.shown.length === newItems.length;
  }

  // Open findings per repository and pattern, one collapsible block each.
  const groups = complete ? groupOpenFindings(sorted) : [];
  if (groups.length > 0) {
    const sectionHeader = `### Open findings by repository and pattern\n\n`;
    const renderOpen = (index: number): string => {
      const f = finding(index);
      const rule = f.ruleId === undefined ? "" : ` · rule ${codeSpan(shownCode(f.ruleId))}`;
      return `- **${f.severity}** · ${findingLocation(host, f)}${f.status === "new" ? " · new" : ""}${rule}${shortId(f)}\n${snippetBlock(f.snippet, SNIPPET_SHORT)}`;
    };
    const more = (count: number): string => `- _…and ${plural(count, "more", "more")} not shown_\n`;
    let first = true;
    for (const group of groups) {
      const summary =
        `<details><summary><code>${escapeHtml(shownCode(group.repo))}</code> · <code>${escapeHtml(shownCode(group.pattern))}</code>` +
        ` — ${formatCount(group.items.length)} open (${severityBreakdown(group.counts)})</summary>\n\n`;
      const listing = fillListing(
        `${first ? sectionHeader : ""}${summary}`,
        "\n</details>\n\n",
        group.items,
        renderOpen,
        sections.room,
        more,
      );
      if (listing === undefined || !sections.tryAdd(listing.text)) {
        complete = false;
        break;
      }
      mark(listing);
      first = false;
      if (listing.shown.length < group.items.length) {
        complete = false;
        break;
      }
    }
  }

  // Suppressed, then resolved since the last update: short lines, collapsed.
  const shortLine = (index: number): string => {
    const f = finding(index);
    const reason =
      f.status === "suppressed" && f.suppressedReason !== undefined
        ? ` — ${escapeMarkdownText(shownText(f.suppressedReason))}`
        : "";
    return `- ${codeSpan(shownCode(f.repo))} · ${findingLocation(host, f)} · ${codeSpan(shownCode(f.pattern))}${shortId(f)}${reason}\n`;
  };
  for (const [status, heading, what] of [
    ["suppressed", "Suppressed", "suppressed finding"],
    ["resolved", "Resolved since last update", "resolved finding"],
  ] as const) {
    const items: number[] = [];
    sorted.forEach((f, i) => {
      if (f.status === status) items.push(i);
    });
    if (items.length === 0 || !complete) continue;
    const header =
      `### ${heading} (${formatCount(items.length)})\n\n` +
      `<details><summary>${plural(items.length, what, `${what}s`)}</summary>\n\n`;
    const listing = fillListing(header, "\n</details>\n\n", items, shortLine, sections.room, (count) =>
      `- _…and ${formatCount(count)} more not shown_\n`,
    );
    if (listing !== undefined && sections.tryAdd(listing.text)) mark(listing);
    complete = listing !== undefined && listing.shown.length === items.length;
  }

  // What was left out, counted exactly.
  const omittedByKind = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    if (shown[i] === 1) continue;
    const status = finding(i).status;
    const kind = status === "suppressed" ? 1 : status === "resolved" ? 2 : 0;
    omittedByKind[kind] = (omittedByKind[kind] ?? 0) + 1;
  }
  const omitted = omittedByKind.reduce((a, b) => a + b, 0);
  const note = omitted > 0 ? omittedNote(omittedByKind) : "";

  const body = `${head}${sections.toString()}${note}${footer}`;
  return { title, body, omitted };
}
