import type { EmitterWebhookEventName } from "@octokit/webhooks";
import type { Context } from "probot";
import type { JobName, JobPayloads } from "../jobs/job-payloads.js";

/**
 * Which events start which job. `toJob` reads what the worker needs from the payload, or
 * returns null when the event is not for this app (say, another app's check run).
 */
export interface WebhookRoute {
  events: EmitterWebhookEventName[];
  job: JobName;
  toJob(context: Context): JobPayloads[JobName] | null;
}

export function defineWebhookRoute<E extends EmitterWebhookEventName, N extends JobName>(route: {
  events: E[];
  job: N;
  toJob(context: Context<E>): JobPayloads[N] | null;
}): WebhookRoute {
  return route;
}
