import type { DigestFinding, DigestHit } from "./digest-finding.js";
import { sortDigestFindings } from "./sort-digest-findings.js";

/** The stored state of one fingerprint for one audit_id, carried from update to update. */
export interface DigestStateRow extends DigestHit {
  status: "open" | "resolved" | "suppressed";
  /** `generated_at` of the artifact that first reported it. */
  firstSeenAt: string;
  /** `generated_at` of the last artifact that reported it. */
  lastSeenAt: string;
  /** `generated_at` of the complete artifact from which it was absent. */
  resolvedAt?: string;
  suppressedReason?: string;
}

/**
 * A suppression rule. Every selector given must match (repository names case-insensitively;
 * a `path` ending in `/` matches everything below that folder). A rule without any selector
 * matches nothing, so a bare `reason` can never hide every finding.
 */
export interface SuppressionRule {
  fingerprint?: string;
  repo?: string;
  path?: string;
  pattern?: string;
  reason: string;
  /** ISO date or date-time; after it the rule no longer applies. Unparseable = not applied. */
  until?: string;
}

export interface DigestTotals {
  /** Open now, new ones included. */
  open: number;
  /** Open now and not open at the previous update. */
  new: number;
  /** Open at the previous update and absent from this complete scan. */
  resolved: number;
  /** Present (or carried) and suppressed by a rule. */
  suppressed: number;
}

export interface DigestStateInput {
  previous: readonly DigestStateRow[];
  hits: readonly DigestHit[];
  suppressions?: readonly SuppressionRule[];
  /** `false` for a partial scan: nothing absent from it is resolved. */
  complete: boolean;
  /** The clock, used only to decide whether suppression rules have expired. */
  now: string;
  /** The artifact's `generated_at`, recorded as first/last seen and resolved times. */
  generatedAt: string;
}

export interface DigestState {
  /** Next state, one row per fingerprint ever seen, sorted by fingerprint. */
  rows: DigestStateRow[];
  /**
   * What this update shows: new, open, suppressed and just-resolved findings, in the
   * canonical order. Findings resolved at an earlier update are not repeated.
   */
  findings: DigestFinding[];
  totals: DigestTotals;
}

function hitData(source: DigestHit): DigestHit {
  const data: DigestHit = {
    fingerprint: source.fingerprint,
    repo: source.repo,
    path: source.path,
    line: source.line,
    pattern: source.pattern,
    severity: source.severity,
  };
  if (source.snippet !== undefined) data.snippet = source.snippet;
  if (source.ruleId !== undefined) data.ruleId = source.ruleId;
  if (source.sha !== undefined) data.sha = source.sha;
  return data;
}

/** A state row: the hit's fields, then the state (built field by field: no spreads on the hot path). */
function stateRow(
  source: DigestHit,
  status: DigestStateRow["status"],
  firstSeenAt: string,
  lastSeenAt: string,
  extra?: { resolvedAt?: string; suppressedReason?: string },
): DigestStateRow {
  const row = hitData(source) as DigestStateRow;
  row.status = status;
  row.firstSeenAt = firstSeenAt;
  row.lastSeenAt = lastSeenAt;
  if (extra?.resolvedAt !== undefined) row.resolvedAt = extra.resolvedAt;
  if (extra?.suppressedReason !== undefined) row.suppressedReason = extra.suppressedReason;
  return row;
}

/** A finding as the digest shows it: the hit's fields, its status and since when it is known. */
function shownFinding(source: DigestHit, status: DigestFinding["status"], firstSeenAt: string, suppressedReason?: string): DigestFinding {
  const finding = hitData(source) as DigestFinding;
  finding.status = status;
  finding.firstSeenAt = firstSeenAt;
  if (suppressedReason !== undefined) finding.suppressedReason = suppressedReason;
  return finding;
}

function pathMatches(rulePath: string, path: string): boolean {
  return rulePath.endsWith("/") ? path.startsWith(rulePath) : path === rulePath;
}

/** Whether a suppression rule covers a finding at `nowMs` (an expired or bare rule covers none). */
export function ruleApplies(rule: SuppressionRule, hit: DigestHit, nowMs: number): boolean {
  if (rule.fingerprint === undefined && rule.repo === undefined && rule.path === undefined && rule.pattern === undefined) {
    return false;
  }
  if (rule.until !== undefined) {
    const until = Date.parse(rule.until);
    if (Number.isNaN(until) || nowMs > until) return false;
  }
  return (
    (rule.fingerprint === undefined || rule.fingerprint === hit.fingerprint) &&
    (rule.repo === undefined || rule.repo.toLowerCase() === hit.repo.toLowerCase()) &&
    (rule.path === undefined || pathMatches(rule.path, hit.path)) &&
    (rule.pattern === undefined || rule.pattern === hit.pattern)
  );
}

/** The place of a fingerprint that this scan reports and that was never stored. */
const FRESH = -1;

function compareFingerprints(a: { fingerprint: string }, b: { fingerprint: string }): number {
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

/**
 * The pure diff between the stored state and a new artifact.
 *
 * For each fingerprint:
 * - reported now and suppressed by a rule → `suppressed`;
 * - reported now, open before → `open`; reported now, not open before → `new`
 *   (also when it was resolved or suppressed before: it is back);
 * - absent, open or suppressed before, scan complete → row `resolved`; shown as `resolved`
 *   only when it was open (a suppressed finding going away is not news);
 * - absent, open or suppressed before, scan partial → carried unchanged: suppressed if a rule
 *   still matches, otherwise `open` (never `new`: this scan did not see it);
 * - absent and resolved before → row kept, not shown.
 *
 * Duplicate fingerprints keep their first occurrence. No fingerprint is ever dropped.
 */
export function computeDigestState(input: DigestStateInput): DigestState {
  const nowMs = Date.parse(input.now);
  const rules = input.suppressions ?? [];
  const suppression = (hit: DigestHit): SuppressionRule | undefined =>
    rules.length === 0 ? undefined : rules.find((rule) => ruleApplies(rule, hit, nowMs));

  // The stored rows come sorted by fingerprint; noticing it lets the next rows be merged, not
  // sorted, and spares the duplicate check (a strictly increasing list has none).
  /** The stored rows, a fingerprint's first row only, in the stored order. */
  const stored: DigestStateRow[] = [];
  /** Each fingerprint's place in `stored`, or `FRESH` once this scan reports one never stored. */
  const places = new Map<string, number>();
  let previousSorted = true;
  let lastFingerprint: string | undefined;
  for (const row of input.previous) {
    const fingerprint = row.fingerprint;
    if (previousSorted && lastFingerprint !== undefined && !(lastFingerprint < fingerprint)) previousSorted = false;
    if (!previousSorted && places.has(fingerprint)) continue;
    places.set(fingerprint, stored.length);
    stored.push(row);
    lastFingerprint = fingerprint;
  }

  const findings: DigestFinding[] = [];
  const totals: DigestTotals = { open: 0, new: 0, resolved: 0, suppressed: 0 };
  /** This scan's row of each stored fingerprint it reports, by place in `stored`. */
  const reported = new Array<DigestStateRow | undefined>(stored.length);
  /** Rows of fingerprints never stored before, in artifact order. */
  const fresh: DigestStateRow[] = [];

  for (const hit of input.hits) {
    const place = places.get(hit.fingerprint);
    if (place === FRESH) continue;
    const before = place === undefined ? undefined : stored[place]!;
    if (place !== undefined && reported[place] !== undefined) continue;
    const firstSeenAt = before?.firstSeenAt ?? input.generatedAt;
    const rule = suppression(hit);
    let row: DigestStateRow;
    if (rule !== undefined) {
      row = stateRow(hit, "suppressed", firstSeenAt, input.generatedAt, { suppressedReason: rule.reason });
      findings.push(shownFinding(hit, "suppressed", firstSeenAt, rule.reason));
      totals.suppressed++;
    } else {
      const status = before?.status === "open" ? "open" : "new";
      row = stateRow(hit, "open", firstSeenAt, input.generatedAt);
      findings.push(shownFinding(hit, status, firstSeenAt));
      totals.open++;
      if (status === "new") totals.new++;
    }
    if (place === undefined) {
      places.set(hit.fingerprint, FRESH);
      fresh.push(row);
    } else {
      reported[place] = row;
    }
  }

  /** A row for every stored fingerprint, in the stored order. */
  const kept = new Array<DigestStateRow>(stored.length);
  for (let place = 0; place < stored.length; place++) {
    const before = stored[place]!;
    const now = reported[place];
    if (now !== undefined) {
      kept[place] = now;
      continue;
    }
    if (before.status === "resolved") {
      kept[place] = { ...before };
      continue;
    }
    if (input.complete) {
      kept[place] = stateRow(before, "resolved", before.firstSeenAt, before.lastSeenAt, { resolvedAt: input.generatedAt });
      if (before.status === "open") {
        findings.push(shownFinding(before, "resolved", before.firstSeenAt));
        totals.resolved++;
      }
      continue;
    }
    const rule = suppression(before);
    if (rule !== undefined) {
      kept[place] = stateRow(before, "suppressed", before.firstSeenAt, before.lastSeenAt, { suppressedReason: rule.reason });
      findings.push(shownFinding(before, "suppressed", before.firstSeenAt, rule.reason));
      totals.suppressed++;
    } else {
      kept[place] = stateRow(before, "open", before.firstSeenAt, before.lastSeenAt);
      findings.push(shownFinding(before, "open", before.firstSeenAt));
      totals.open++;
    }
  }

  const rows = previousSorted ? mergeByFingerprint(kept, fresh.sort(compareFingerprints)) : [...kept, ...fresh].sort(compareFingerprints);
  return { rows, findings: sortDigestFindings(findings), totals };
}

/** Merges two lists sorted by fingerprint (no fingerprint in both) into one. */
function mergeByFingerprint(a: readonly DigestStateRow[], b: readonly DigestStateRow[]): DigestStateRow[] {
  if (b.length === 0) return a as DigestStateRow[];
  const merged = new Array<DigestStateRow>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) merged[k++] = a[i]!.fingerprint < b[j]!.fingerprint ? a[i++]! : b[j++]!;
  while (i < a.length) merged[k++] = a[i++]!;
  while (j < b.length) merged[k++] = b[j++]!;
  return merged;
}

export interface ReapplySuppressionsInput {
  /** The stored state of every fingerprint, as the last update saved it. */
  rows: readonly DigestStateRow[];
  suppressions: readonly SuppressionRule[];
  /** `generated_at` of the artifact last applied: what it first reported is still "new". */
  lastGeneratedAt: string;
  now: string;
}

/**
 * The stored state with the suppression rules applied afresh, for a change of rules between
 * artifacts (a finding dismissed or reopened, a pattern muted): no artifact is read, so no
 * finding appears or goes away. Open and suppressed rows are suppressed or open by the rules
 * now; a row that becomes open is `new` only when the last artifact first reported it (as it
 * was shown then), and counts nowhere as news. Resolved rows stay resolved; those the last
 * artifact resolved are shown again as resolved (a stored row does not say whether it was open
 * or suppressed before, so one suppressed before is listed too).
 */
export function reapplySuppressions(input: ReapplySuppressionsInput): DigestState {
  const nowMs = Date.parse(input.now);
  const rows: DigestStateRow[] = [];
  const findings: DigestFinding[] = [];
  const totals: DigestTotals = { open: 0, new: 0, resolved: 0, suppressed: 0 };
  for (const row of input.rows) {
    const data = hitData(row);
    const carried = { firstSeenAt: row.firstSeenAt, lastSeenAt: row.lastSeenAt };
    if (row.status === "resolved") {
      rows.push({ ...row });
      if (row.resolvedAt === input.lastGeneratedAt) {
        findings.push({ ...data, status: "resolved", firstSeenAt: row.firstSeenAt });
        totals.resolved++;
      }
      continue;
    }
    const rule = input.suppressions.find((candidate) => ruleApplies(candidate, data, nowMs));
    if (rule !== undefined) {
      rows.push({ ...data, status: "suppressed", ...carried, suppressedReason: rule.reason });
      findings.push({ ...data, status: "suppressed", firstSeenAt: row.firstSeenAt, suppressedReason: rule.reason });
      totals.suppressed++;
      continue;
    }
    const status = row.firstSeenAt === input.lastGeneratedAt && row.status === "open" ? "new" : "open";
    rows.push({ ...data, status: "open", ...carried });
    findings.push({ ...data, status, firstSeenAt: row.firstSeenAt });
    totals.open++;
    if (status === "new") totals.new++;
  }
  rows.sort(compareFingerprints);
  return { rows, findings: sortDigestFindings(findings), totals };
}
