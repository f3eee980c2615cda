import { webhookDeliveries } from "./001-webhook-deliveries.js";
import { installationsAndCheckRuns } from "./002-installations-and-check-runs.js";
import { ingests } from "./003-ingests.js";
import { digests } from "./004-digests.js";
import { repoIssues } from "./005-repo-issues.js";
import { webhookRedeliveries } from "./006-webhook-redeliveries.js";
import { digestHomes } from "./007-digest-homes.js";
import { fallbackRecords } from "./008-fallback-records.js";
import { upkeep } from "./009-upkeep.js";
import { auditCommands } from "./010-audit-commands.js";
import { unchangedFindings } from "./011-unchanged-findings.js";
import type { Migration } from "./migration.js";

/** Every migration, in the order they apply. */
export const migrations: readonly Migration[] = [webhookDeliveries, installationsAndCheckRuns, ingests, digests, repoIssues, webhookRedeliveries, digestHomes, fallbackRecords, upkeep, auditCommands, unchangedFindings];
