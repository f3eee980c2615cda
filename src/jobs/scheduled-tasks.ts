import type { ScheduledTask } from "./scheduled-task.js";
import { completeStaleChecks } from "./tasks/complete-stale-checks.js";
import { pruneWebhookDeliveries } from "./tasks/prune-webhook-deliveries.js";
import { redeliverFailedDeliveries } from "./tasks/redeliver-failed-deliveries.js";

/** Every scheduled task the worker role runs. */
export const scheduledTasks: ScheduledTask[] = [pruneWebhookDeliveries, redeliverFailedDeliveries, completeStaleChecks];
