import { appendFileSync } from "node:fs";

/**
 * What one reliability or security scenario tried and what came of it. `npm run reliability`
 * runs the suites in test/reliability and test/security with `RELIABILITY_REPORT_FILE` set and
 * turns these records into docs/reliability.md; in a plain test run nothing is written.
 */
export interface ReliabilityFigures {
  /** Short name of the scenario, e.g. "Crash recovery (PGlite)". */
  scenario: string;
  /** What was tried, in one sentence. */
  tried: string;
  /** How many cases (ingests, deliveries, generated artifacts, secrets, …) were tried. */
  cases: number;
  /** Ingests or jobs that never completed. */
  lost: number;
  /** Digests, check runs or comments written more than once. */
  duplicated: number;
  /** Secrets or foreign data seen where they must not be. */
  leaked: number;
  /** Crashes, hangs or unexpected exit codes. */
  crashed: number;
  /** Anything else worth a line: timings, retries, bounds. */
  notes?: string;
}

/** Appends one scenario's figures to `RELIABILITY_REPORT_FILE` when it is set (one JSON line). */
export function recordReliabilityFigures(figures: ReliabilityFigures): void {
  const file = process.env.RELIABILITY_REPORT_FILE;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify(figures)}\n`);
}
