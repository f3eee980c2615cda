import type { DigestFinding, DigestHit } from "./digest-finding.js";
import { orderByFingerprint, type FingerprintOrder } from "./order-by-fingerprint.js";
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
   * canonical order. Findings resolved at an earlier update are not repeated. A finding shown
   * with its row's status (every one but a `new` one) is that row itself, one object instead of
   * two, so it carries the row's `lastSeenAt` (and `resolvedAt`) as well: at 100,000 findings
   * that is about 10 MB less to allocate and collect on each update.
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

/** A finding the digest shows as new: the hit's fields, its status and since when it is known. */
function newFinding(source: DigestHit, firstSeenAt: string): DigestFinding {
  const finding = hitData(source) as DigestFinding;
  finding.status = "new";
  finding.firstSeenAt = firstSeenAt;
  return finding;
}

/**
 * `stateRow(source, "open", firstSeenAt, lastSeenAt)` for the usual shapes of a hit, as one
 * object literal each: an object made whole at once has its fields in the object itself (one
 * allocation, not a second store for the fields added later), and the engine can allocate
 * objects of a literal that live on directly in the old generation instead of copying them
 * out of the young one. Keys in the same order as `stateRow`.
 */
function openRow(source: DigestHit, firstSeenAt: string, lastSeenAt: string): DigestStateRow {
  const { snippet, sha } = source;
  if (source.ruleId === undefined && snippet !== undefined) {
    return sha === undefined
      ? { fingerprint: source.fingerprint, repo: source.repo, path: source.path, line: source.line, pattern: source.pattern, severity: source.severity, snippet, status: "open", firstSeenAt, lastSeenAt }
      : { fingerprint: source.fingerprint, repo: source.repo, path: source.path, line: source.line, pattern: source.pattern, severity: source.severity, snippet, sha, status: "open", firstSeenAt, lastSeenAt };
  }
  return stateRow(source, "open", firstSeenAt, lastSeenAt);
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

function compareFingerprints(a: { fingerprint: string }, b: { fingerprint: string }): number {
  return a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

/** The stored rows deduplicated (a fingerprint's first row only) and sorted by fingerprint. */
function sortedFirstRows(previous: readonly DigestStateRow[]): DigestStateRow[] {
  const seen = new Set<string>();
  const first: DigestStateRow[] = [];
  for (const row of previous) {
    if (seen.has(row.fingerprint)) continue;
    seen.add(row.fingerprint);
    first.push(row);
  }
  return first.sort(compareFingerprints);
}

/** Where each hit's and each stored row's next row goes. */
interface RowPlaces {
  /** How many rows there are. */
  rows: number;
  /** Each hit's place in the rows, or -1 for a later hit with the same fingerprint. */
  hitPlaces: Int32Array;
  /** Each hit's stored `firstSeenAt`, or undefined for a fingerprint never stored. */
  hitFirstSeen: (string | undefined)[];
  /** 1 for a hit whose stored row is open. */
  hitWasOpen: Uint8Array;
  /** Each stored row's place in the rows, or -1 when a hit of this scan gives it. */
  storedPlaces: Int32Array;
}

/**
 * Walks the hits in order of fingerprint beside the stored rows and notes where each hit's and
 * each stored row's next row goes (the rows and findings are then made in input order, so
 * that they lie in memory in the order the findings sort reads them), or gives undefined when
 * the stored rows are not strictly increasing. The walk checks that on the way: every row it
 * has passed is below the hit it is at (the hits come strictly increasing, duplicates
 * skipped), so a stored row that matches this hit is above the row before it already; a row
 * passed as absent is compared with the row before it.
 */
function placeRows(stored: readonly DigestStateRow[], hits: FingerprintOrder): RowPlaces | undefined {
  const { order, fingerprints, repeats } = hits;
  const hitCount = order.length;
  const storedCount = stored.length;
  const hitPlaces = new Int32Array(hitCount).fill(-1);
  const hitFirstSeen = new Array<string | undefined>(hitCount);
  const hitWasOpen = new Uint8Array(hitCount);
  const storedPlaces = new Int32Array(storedCount).fill(-1);
  let place = 0;
  let s = 0;
  for (let h = 0; h < hitCount; ) {
    const index = order[h]!;
    const fingerprint = fingerprints[index]!;
    let before = s < storedCount ? stored[s]! : undefined;
    while (before !== undefined && before.fingerprint < fingerprint) {
      if (s > 0 && !(stored[s - 1]!.fingerprint < before.fingerprint)) return undefined;
      storedPlaces[s++] = place++;
      before = s < storedCount ? stored[s]! : undefined;
    }
    if (before !== undefined && before.fingerprint === fingerprint) {
      s++;
      hitFirstSeen[index] = before.firstSeenAt;
      if (before.status === "open") hitWasOpen[index] = 1;
    }
    hitPlaces[index] = place++;
    // Later hits with the same fingerprint (next in this order) are duplicates: the first one counts.
    for (h++; h < hitCount && repeats[h] === 1; h++);
  }
  for (; s < storedCount; s++) {
    if (s > 0 && !(stored[s - 1]!.fingerprint < stored[s]!.fingerprint)) return undefined;
    storedPlaces[s] = place++;
  }
  return { rows: place, hitPlaces, hitFirstSeen, hitWasOpen, storedPlaces };
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
 *
 * The hits are put in order of fingerprint (`orderByFingerprint`, linear for hexadecimal
 * fingerprints) and walked together with the stored rows, which are in that order too, so the
 * next rows come out sorted without a lookup table or a sort.
 */
export function computeDigestState(input: DigestStateInput): DigestState {
  const nowMs = Date.parse(input.now);
  const rules = input.suppressions ?? [];
  const generatedAt = input.generatedAt;
  const complete = input.complete;
  const suppression = (hit: DigestHit): SuppressionRule | undefined =>
    rules.length === 0 ? undefined : rules.find((rule) => ruleApplies(rule, hit, nowMs));

  const hits = input.hits;
  const hitCount = hits.length;
  const byFingerprint = orderByFingerprint(hits);
  // The stored rows come sorted by fingerprint, which the walk confirms as it goes; any other
  // list is deduplicated and sorted, and walked again.
  let stored = input.previous;
  let placed = placeRows(stored, byFingerprint);
  if (placed === undefined) {
    stored = sortedFirstRows(stored);
    placed = placeRows(stored, byFingerprint)!;
  }
  const { hitPlaces, hitFirstSeen, hitWasOpen, storedPlaces } = placed;
  const storedCount = stored.length;

  const rows = new Array<DigestStateRow>(placed.rows);
  /** At most one finding per row; `shown` of them so far. */
  const findings = new Array<DigestFinding>(placed.rows);
  let shown = 0;
  const totals: DigestTotals = { open: 0, new: 0, resolved: 0, suppressed: 0 };

  for (let index = 0; index < hitCount; index++) {
    const at = hitPlaces[index]!;
    if (at < 0) continue;
    const hit = hits[index]!;
    const firstSeenAt = hitFirstSeen[index] ?? generatedAt;
    const rule = suppression(hit);
    if (rule !== undefined) {
      const row = stateRow(hit, "suppressed", firstSeenAt, generatedAt, { suppressedReason: rule.reason });
      rows[at] = row;
      findings[shown++] = row;
      totals.suppressed++;
      continue;
    }
    const row = openRow(hit, firstSeenAt, generatedAt);
    rows[at] = row;
    totals.open++;
    if (hitWasOpen[index] === 1) {
      findings[shown++] = row;
    } else {
      findings[shown++] = newFinding(hit, firstSeenAt);
      totals.new++;
    }
  }

  // Stored fingerprints this scan does not report.
  for (let storedAt = 0; storedAt < storedCount; storedAt++) {
    const at = storedPlaces[storedAt]!;
    if (at < 0) continue;
    const before = stored[storedAt]!;
    if (before.status === "resolved") {
      rows[at] = { ...before };
      continue;
    }
    if (complete) {
      const row = stateRow(before, "resolved", before.firstSeenAt, before.lastSeenAt, { resolvedAt: generatedAt });
      rows[at] = row;
      if (before.status === "open") {
        findings[shown++] = row;
        totals.resolved++;
      }
      continue;
    }
    const rule = suppression(before);
    if (rule !== undefined) {
      const row = stateRow(before, "suppressed", before.firstSeenAt, before.lastSeenAt, { suppressedReason: rule.reason });
      rows[at] = row;
      findings[shown++] = row;
      totals.suppressed++;
    } else {
      const row = openRow(before, before.firstSeenAt, before.lastSeenAt);
      rows[at] = row;
      findings[shown++] = row;
      totals.open++;
    }
  }

  findings.length = shown;
  return { rows, findings: sortDigestFindings(findings), totals };
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
