import type { ScheduledTask } from "./scheduled-task.js";
import { completeStaleChecks } from "./tasks/complete-stale-checks.js";
import { expireFallbackRecords } from "./tasks/expire-fallback-records.js";
import { pruneCompletedCheckRuns } from "./tasks/prune-completed-check-runs.js";
import { pruneIngestLedger } from "./tasks/prune-ingest-ledger.js";
import { pruneResolvedFindings } from "./tasks/prune-resolved-findings.js";
import { pruneWebhookDeliveries } from "./tasks/prune-webhook-deliveries.js";
import { purgeDeletedInstallations } from "./tasks/purge-deleted-installations.js";
import { redeliverFailedDeliveries } from "./tasks/redeliver-failed-deliveries.js";
import { redrivePendingFallbacks } from "./tasks/redrive-pending-fallbacks.js";

/** Every scheduled task the worker role runs. */
export const scheduledTasks: ScheduledTask[] = [
  pruneWebhookDeliveries,
  redeliverFailedDeliveries,
  completeStaleChecks,
  pruneIngestLedger,
  pruneResolvedFindings,
  pruneCompletedCheckRuns,
  purgeDeletedInstallations,
  redrivePendingFallbacks,
  expireFallbackRecords,
];
