import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Queryable } from "../db/database.js";
import { loadPatternFeedback } from "../feedback/load-pattern-feedback.js";
import { FEEDBACK_OUTCOMES, type FeedbackOutcome, type PatternFeedback } from "../feedback/pattern-feedback.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { DEAD_LETTER_QUEUE, jobNames } from "../jobs/job-policies.js";

/** Patterns named in the `pattern` label (the most false positives); the rest are `other`. */
export const PATTERN_LABEL_TOP = 10;
export const OTHER_PATTERNS = "other";
/** Longest `pattern` label value: longer patterns are cut. */
const PATTERN_LABEL_MAX = 100;
const SUPPRESSION_ACTIONS = new Set(["dismiss", "reopen", "mute", "unmute"]);
const SUPPRESSION_REASONS = new Set(["false_positive", "wont_fix", "used_in_tests", "muted"]);

/** The app's Prometheus metrics; every name starts with `audit_digest_`. */
export interface Metrics {
  registry: Registry;
  webhookEvents: Counter<"event" | "outcome">;
  jobsProcessed: Counter<"queue" | "outcome">;
  jobDuration: Histogram<"queue">;
  githubRateLimitRemaining: Gauge<"installation">;
}

/**
 * The registry `GET /metrics` exposes. Queue sizes and the false-positive feedback are read at
 * scrape time (from the queue and the database), so every replica reports the same values:
 * aggregate those with `max`, not `sum`.
 */
export function createMetrics({ queue, db }: { queue: JobQueue; db: Queryable }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "audit_digest_" });
  new Gauge({
    name: "audit_digest_dead_letter_jobs",
    help: "Jobs that spent all their retries and wait in the dead-letter queue",
    registers: [registry],
    async collect() {
      this.set(await queue.size(DEAD_LETTER_QUEUE));
    },
  });
  new Gauge({
    name: "audit_digest_queued_jobs",
    help: "Jobs waiting to run, by queue",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      for (const name of jobNames) this.set({ queue: name }, await queue.size(name));
    },
  });
  new Gauge({
    name: "audit_digest_pattern_findings",
    help:
      `Findings recorded in digests, by pattern and outcome (false_positive, wont_fix, used_in_tests: dismissed; ` +
      `suppressed, open, resolved: not dismissed); the ${PATTERN_LABEL_TOP} patterns with the most false positives are named, the rest are "${OTHER_PATTERNS}"`,
    labelNames: ["pattern", "outcome"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [pattern, counts] of patternLabels(await loadPatternFeedback(db))) {
        for (const outcome of FEEDBACK_OUTCOMES) this.set({ pattern, outcome }, counts[outcome]);
      }
    },
  });
  new Counter({
    name: "audit_digest_suppression_events_total",
    help: "Dismissals, reopens, mutes and unmutes recorded by /audit commands, by action and reason (false_positive, wont_fix, used_in_tests, muted, none)",
    labelNames: ["action", "reason"],
    registers: [registry],
    async collect() {
      const { rows } = await db.query<{ action: string; reason: string | null; count: number }>(
        "SELECT action, reason, count(*)::int AS count FROM suppression_events GROUP BY action, reason",
      );
      this.reset();
      for (const row of rows) {
        const action = SUPPRESSION_ACTIONS.has(row.action) ? row.action : "other";
        const reason = row.reason === null ? "none" : SUPPRESSION_REASONS.has(row.reason) ? row.reason : "other";
        this.inc({ action, reason }, row.count);
      }
    },
  });
  return {
    registry,
    webhookEvents: new Counter({
      name: "audit_digest_webhook_events_total",
      help: "Webhook events received, by event and outcome (enqueued, duplicate, ignored, rejected)",
      labelNames: ["event", "outcome"],
      registers: [registry],
    }),
    jobsProcessed: new Counter({
      name: "audit_digest_jobs_total",
      help: "Jobs run, by queue and outcome (completed, failed, deferred, waiting, dropped, refused)",
      labelNames: ["queue", "outcome"],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: "audit_digest_job_duration_seconds",
      help: "Time a job took to run",
      labelNames: ["queue"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    githubRateLimitRemaining: new Gauge({
      name: "audit_digest_github_rate_limit_remaining",
      help: "Last x-ratelimit-remaining seen from GitHub, by installation",
      labelNames: ["installation"],
      registers: [registry],
    }),
  };
}

/**
 * The counts under each `pattern` label value: the patterns with the most false positives
 * (at least one; ties worst first) by name, cut to a bounded length, every other one summed
 * as `other`. At most `PATTERN_LABEL_TOP + 1` values, whatever the artifacts hold.
 */
function patternLabels(feedback: readonly PatternFeedback[]): Map<string, Record<FeedbackOutcome, number>> {
  const ranked = feedback
    .map((line, rank) => ({ line, rank }))
    .sort((a, b) => b.line.counts.false_positive - a.line.counts.false_positive || a.rank - b.rank);
  const labels = new Map<string, Record<FeedbackOutcome, number>>();
  ranked.forEach(({ line }, index) => {
    const named = index < PATTERN_LABEL_TOP && line.counts.false_positive > 0;
    const label = named ? shortLabel(line.pattern) : OTHER_PATTERNS;
    let counts = labels.get(label);
    if (counts === undefined) {
      counts = { false_positive: 0, wont_fix: 0, used_in_tests: 0, suppressed: 0, open: 0, resolved: 0 };
      labels.set(label, counts);
    }
    for (const outcome of FEEDBACK_OUTCOMES) counts[outcome] += line.counts[outcome];
  });
  return labels;
}

function shortLabel(pattern: string): string {
  const characters = Array.from(pattern);
  return characters.length > PATTERN_LABEL_MAX ? `${characters.slice(0, PATTERN_LABEL_MAX - 1).join("")}…` : pattern;
}
