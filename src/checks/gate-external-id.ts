import { createHash } from "node:crypto";

/**
 * The `external_id` the app gives a gate check run, the same on every attempt of the same write:
 * a queued run of a head SHA (`completedBy` null) or the verdict of one ingest (`completedBy`
 * names it). After a create that failed, the check run it may have made is found by this id
 * among the head SHA's check runs, so it is not created twice.
 */
export function gateExternalId({ headSha, completedBy }: { headSha: string; completedBy: string | null }): string {
  const step = completedBy === null ? "queued" : createHash("sha256").update(completedBy).digest("hex").slice(0, 16);
  return `audit-digest:${headSha.toLowerCase()}:${step}`;
}
