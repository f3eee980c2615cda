import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { GateResult } from "../checks/gate-result.js";
import type { CommandOutcome } from "../commands/command-ledger.js";
import type { Queryable } from "../db/database.js";
import { countPendingFallbacks } from "../fallback/fallback-store.js";
import { loadPatternFeedback } from "../feedback/load-pattern-feedback.js";
import { FEEDBACK_OUTCOMES, type FeedbackOutcome, type PatternFeedback } from "../feedback/pattern-feedback.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { DEAD_LETTER_QUEUE, jobNames } from "../jobs/job-policies.js";
import { loadOldestWaitingAges } from "./load-oldest-waiting-ages.js";
import { STATUS_CLASSES } from "./status-class.js";

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
  /** When the window of `githubRateLimitRemaining` resets (Unix seconds), by installation. */
  githubRateLimitReset: Gauge<"installation">;
  /** Ingests that gave a verdict, by `verdict` (a `GateResult` kind). */
  ingests: Counter<"verdict">;
  /** Digest updates that reached the issue, by `outcome` (an `UpsertDigestOutcome` action other than skipped). */
  digests: Counter<"outcome">;
  /** Every HTTP request sent to GitHub (each retry too), by `method`, `route` template and `status_class`. */
  githubRequests: Counter<"method" | "route" | "status_class">;
  /** Answers that were a secondary rate limit, by what the app did (`retried_in_place`, `job_deferred`). */
  githubSecondaryRateLimits: Counter<"action">;
  /** `/audit` commands handled, by `command` and `outcome`. */
  commands: Counter<"command" | "outcome">;
  /** Answers to requests on the webhook path, by `status_class`. */
  webhookResponses: Counter<"status_class">;
}

/** Values of the `verdict` label of `audit_digest_ingests_total`. */
export const INGEST_VERDICTS: readonly GateResult["kind"][] = [
  "valid",
  "invalid",
  "signature_invalid",
  "config_invalid",
  "refused",
  "missing",
  "expired",
  "not_ingested",
  "stale",
];
/** Values of the `outcome` label of `audit_digest_digests_total`. */
/** What an upsert of a digest did to its issue (every action of `upsertDigest` but `skipped`). */
export const DIGEST_OUTCOMES = ["created", "updated", "unchanged", "closed", "reopened"] as const;
/** Values of the `outcome` label of `audit_digest_commands_total`. */
export const COMMAND_OUTCOMES: readonly CommandOutcome[] = ["done", "refused", "failed", "ignored"];

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
    help: "Jobs waiting to run or to start later (a retry's backoff, a deferral), by queue (the job kinds)",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      for (const name of jobNames) this.set({ queue: name }, await queue.size(name));
    },
  });
  new Gauge({
    name: "audit_digest_queue_oldest_job_age_seconds",
    help:
      "Seconds the oldest job that may run now has waited to be taken, by queue (the job kinds); 0 when none waits. " +
      "Jobs waiting for a later start (a retry's backoff, a rate-limit reset) count from that start",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      const ages = await loadOldestWaitingAges(db, jobNames);
      for (const name of jobNames) this.set({ queue: name }, ages.get(name) ?? 0);
    },
  });
  new Gauge({
    name: "audit_digest_fallback_records_pending",
    help: "Fallback records waiting to be filed: digests GitHub refused for a permission reason, kept redacted until re-driven or expired",
    registers: [registry],
    async collect() {
      this.set(await countPendingFallbacks(db));
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
      help: "Webhook events received, by event (the events the app subscribes to) and outcome (enqueued, duplicate, ignored, rejected)",
      labelNames: ["event", "outcome"],
      registers: [registry],
    }),
    jobsProcessed: new Counter({
      name: "audit_digest_jobs_total",
      help: "Jobs run, by queue (the job kinds) and outcome (completed, failed, stopped, deferred, waiting, dropped, refused)",
      labelNames: ["queue", "outcome"],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: "audit_digest_job_duration_seconds",
      help: "Time a job took to run, by queue (the job kinds)",
      labelNames: ["queue"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    githubRateLimitRemaining: new Gauge({
      name: "audit_digest_github_rate_limit_remaining",
      help: "Last x-ratelimit-remaining seen from GitHub for the core API, by installation (one series per installation this process made requests for)",
      labelNames: ["installation"],
      registers: [registry],
    }),
    githubRateLimitReset: new Gauge({
      name: "audit_digest_github_rate_limit_reset_timestamp_seconds",
      help: "When the window of the last x-ratelimit-remaining seen resets (x-ratelimit-reset, Unix seconds), by installation: a remaining figure whose reset has passed is stale",
      labelNames: ["installation"],
      registers: [registry],
    }),
    ingests: new Counter({
      name: "audit_digest_ingests_total",
      help: `Workflow run attempts ingested (a re-run included), by verdict (${INGEST_VERDICTS.join(", ")})`,
      labelNames: ["verdict"],
      registers: [registry],
    }),
    digests: new Counter({
      name: "audit_digest_digests_total",
      help: `Digest updates, by outcome (${DIGEST_OUTCOMES.join(", ")}: unchanged wrote nothing to the issue); an artifact older than or the same as the one applied is not counted`,
      labelNames: ["outcome"],
      registers: [registry],
    }),
    githubRequests: new Counter({
      name: "audit_digest_github_requests_total",
      help:
        "HTTP requests sent to GitHub, each retry counted, by method (GET, POST, PATCH, PUT, DELETE, other), route template " +
        '(e.g. /repos/{owner}/{repo}/issues; a request to an absolute URL, such as a later page of a list, is "other") ' +
        `and status class (${STATUS_CLASSES.join(", ")})`,
      labelNames: ["method", "route", "status_class"],
      registers: [registry],
    }),
    githubSecondaryRateLimits: new Counter({
      name: "audit_digest_github_secondary_rate_limits_total",
      help: "GitHub answers that were a secondary rate limit, by action (retried_in_place: waited out inside the request; job_deferred: the job goes back to the queue until retry-after)",
      labelNames: ["action"],
      registers: [registry],
    }),
    commands: new Counter({
      name: "audit_digest_commands_total",
      help:
        "/audit commands handled, by command (help, status, rerun, dismiss, reopen, mute, unmute, invalid) and outcome " +
        `(${COMMAND_OUTCOMES.join(", ")}: ignored is a command on an issue the app does not manage)`,
      labelNames: ["command", "outcome"],
      registers: [registry],
    }),
    webhookResponses: new Counter({
      name: "audit_digest_webhook_responses_total",
      help: `Answers to requests on the webhook path, by status class (${STATUS_CLASSES.join(", ")}: network is a request closed before its answer); 4xx is mostly a bad signature, 5xx a delivery that could not be recorded`,
      labelNames: ["status_class"],
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
