import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { JobQueue } from "../jobs/job-queue.js";
import { DEAD_LETTER_QUEUE, jobNames } from "../jobs/job-policies.js";

/** The app's Prometheus metrics; every name starts with `audit_digest_`. */
export interface Metrics {
  registry: Registry;
  webhookEvents: Counter<"event" | "outcome">;
  jobsProcessed: Counter<"queue" | "outcome">;
  jobDuration: Histogram<"queue">;
  githubRateLimitRemaining: Gauge<"installation">;
}

export function createMetrics({ queue }: { queue: JobQueue }): Metrics {
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
