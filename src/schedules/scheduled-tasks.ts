import type { ScheduledTask } from "../jobs/scheduled-task.js";
import { completeStaleChecks } from "./complete-stale-checks.js";
import { expireFallbackRecords } from "./expire-fallback-records.js";
import { pruneCompletedCheckRuns } from "./prune-completed-check-runs.js";
import { pruneIngestLedger } from "./prune-ingest-ledger.js";
import { pruneResolvedFindings } from "./prune-resolved-findings.js";
import { pruneWebhookDeliveries } from "./prune-webhook-deliveries.js";
import { purgeDeletedInstallations } from "./purge-deleted-installations.js";
import { redeliverFailedDeliveries } from "./redeliver-failed-deliveries.js";
import { redrivePendingFallbacks } from "./redrive-pending-fallbacks.js";

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
