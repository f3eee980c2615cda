import type { ApplicationFunction, Context } from "probot";
import type { Logger } from "pino";
import type { JobData, JobName } from "./jobs/job-payloads.js";
import type { EnqueueOutcome } from "./jobs/enqueue-webhook-job.js";
import type { Metrics } from "./metrics/create-metrics.js";
import { logFields } from "./logging/log-fields.js";
import { webhookRoutes } from "./webhooks/webhook-routes.js";

export interface AppDependencies {
  log: Logger;
  metrics: Metrics;
  /** Records the delivery and enqueues its job (see `enqueueWebhookJob`). */
  enqueue(input: {
    event: string;
    action: string | undefined;
    name: JobName;
    data: JobData<JobName> & { deliveryId: string };
  }): Promise<EnqueueOutcome>;
}

/**
 * The Probot app: registers the events in `webhookRoutes`. A handler checks the tenant
 * (no installation id: logged and dropped), enqueues one job and returns; it makes no GitHub
 * call, so GitHub's 10-second delivery window is never at risk and accepted work is durable.
 */
export function createApp({ log, metrics, enqueue }: AppDependencies): ApplicationFunction {
  return (app) => {
    for (const route of webhookRoutes) {
      app.on(route.events, async (context: Context) => {
        const payload = context.payload as { action?: string; installation?: { id?: number } };
        const event = context.name;
        const installationId = payload.installation?.id;
        const deliveryLog = log.child(logFields.delivery({ deliveryId: context.id, installationId: typeof installationId === "number" ? installationId : undefined }));
        if (typeof installationId !== "number") {
          metrics.webhookEvents.inc({ event, outcome: "rejected" });
          deliveryLog.warn({ event, action: payload.action }, "webhook without installation id dropped");
          return;
        }
        const data = route.toJob(context);
        if (data === null) {
          metrics.webhookEvents.inc({ event, outcome: "ignored" });
          return;
        }
        const outcome = await enqueue({
          event,
          action: payload.action,
          name: route.job,
          data: { ...data, installationId, deliveryId: context.id },
        });
        metrics.webhookEvents.inc({ event, outcome });
        deliveryLog.info({ event, action: payload.action, job_name: route.job, outcome }, "webhook handled");
      });
    }
  };
}
