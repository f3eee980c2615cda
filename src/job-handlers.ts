import { prepareCheckRun } from "./checks/prepare-check-run.js";
import { runAuditCommand } from "./commands/run-audit-command.js";
import { redriveFallbacks } from "./fallback/redrive-fallbacks.js";
import { ingestWorkflowRun } from "./ingest/ingest-workflow-run.js";
import { rerunIngest } from "./ingest/rerun-ingest.js";
import { purgeInstallation } from "./installations/purge-installation.js";
import { syncInstallation } from "./installations/sync-installation.js";
import { completeInstallationStaleChecks } from "./schedules/complete-installation-stale-checks.js";
import type { JobHandlers } from "./jobs/job-handler.js";

/** What each job kind does: the worker-side counterpart of the webhook routes. */
export const jobHandlers: JobHandlers = {
  "ingest-workflow-run": ingestWorkflowRun,
  "rerun-ingest": rerunIngest,
  "prepare-check-run": prepareCheckRun,
  "sync-installation": syncInstallation,
  "complete-stale-checks": completeInstallationStaleChecks,
  "purge-installation": purgeInstallation,
  "audit-command": runAuditCommand,
  "redrive-fallbacks": redriveFallbacks,
};
