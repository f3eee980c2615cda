import type { DismissReason } from "../digest/digest-suppressions.js";

/**
 * Where one finding stands for the people who write the scanner's patterns: dismissed (and
 * why), or, when nobody dismissed it, its status in the digest (`suppressed` by a mute or the
 * configuration's suppressions, `open`, `resolved`).
 */
export type FeedbackOutcome = DismissReason | "suppressed" | "open" | "resolved";

/** Every outcome, in the order reports list them. */
export const FEEDBACK_OUTCOMES: readonly FeedbackOutcome[] = ["false_positive", "wont_fix", "used_in_tests", "suppressed", "open", "resolved"];

/** The findings of one pattern, counted by outcome. */
export interface PatternFeedback {
  pattern: string;
  /** Every finding of the pattern, whatever its outcome. */
  findings: number;
  counts: Readonly<Record<FeedbackOutcome, number>>;
  /** Findings dismissed as false positive, as a share of all its findings (0 to 1). */
  falsePositiveRate: number;
}

/** A number of findings of one pattern with one outcome. */
export interface FeedbackCount {
  pattern: string;
  outcome: FeedbackOutcome;
  count: number;
}

/** A dismissal decides the outcome; a finding nobody dismissed keeps its digest status. */
export function feedbackOutcome({ status, dismissal }: { status: "open" | "resolved" | "suppressed"; dismissal: DismissReason | null | undefined }): FeedbackOutcome {
  return dismissal ?? status;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Worst first: the highest false-positive rate, then the most false positives, then the most
 * findings, then the pattern's name (code-unit order, so every report lists them alike).
 */
export function compareWorstFirst(a: PatternFeedback, b: PatternFeedback): number {
  return (
    b.falsePositiveRate - a.falsePositiveRate ||
    b.counts.false_positive - a.counts.false_positive ||
    b.findings - a.findings ||
    compareText(a.pattern, b.pattern)
  );
}

function emptyCounts(): Record<FeedbackOutcome, number> {
  return { false_positive: 0, wont_fix: 0, used_in_tests: 0, suppressed: 0, open: 0, resolved: 0 };
}

/** Sums counts per pattern and outcome into one line per pattern, worst first. */
export function tallyPatternFeedback(counts: Iterable<FeedbackCount>): PatternFeedback[] {
  const byPattern = new Map<string, Record<FeedbackOutcome, number>>();
  for (const { pattern, outcome, count } of counts) {
    let tally = byPattern.get(pattern);
    if (tally === undefined) {
      tally = emptyCounts();
      byPattern.set(pattern, tally);
    }
    tally[outcome] += count;
  }
  const lines: PatternFeedback[] = [];
  for (const [pattern, tally] of byPattern) {
    const findings = FEEDBACK_OUTCOMES.reduce((sum, outcome) => sum + tally[outcome], 0);
    if (findings === 0) continue;
    lines.push({ pattern, findings, counts: tally, falsePositiveRate: tally.false_positive / findings });
  }
  return lines.sort(compareWorstFirst);
}

/**
 * The feedback of one digest from its finding states and its dismissals: each fingerprint
 * counts once, under its dismissal's reason when it has one.
 */
export function digestPatternFeedback({
  rows,
  dismissals,
}: {
  rows: readonly { fingerprint: string; pattern: string; status: "open" | "resolved" | "suppressed" }[];
  dismissals: readonly { fingerprint: string; reason: DismissReason }[];
}): PatternFeedback[] {
  const reasons = new Map(dismissals.map((d) => [d.fingerprint, d.reason]));
  return tallyPatternFeedback(rows.map((row) => ({ pattern: row.pattern, outcome: feedbackOutcome({ status: row.status, dismissal: reasons.get(row.fingerprint) }), count: 1 })));
}
