import type { Queryable } from "../db/database.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import { INGEST_GATE_CHECK_NAME } from "./ingest-gate-check.js";

export interface CheckRunTarget {
  installationId: number;
  owner: string;
  repo: string;
  headSha: string;
}

export interface KnownCheckRun {
  id: number;
  status: string;
  /** The ingest that completed it (see `completeCheckRun`), when this app recorded one. */
  completedBy?: string | null;
  /** Annotation batches of that completion already sent. */
  annotationBatchesSent?: number;
  /** Its `external_id` on GitHub, when it was found there rather than in the database. */
  externalId?: string;
  /** How many annotations it has on GitHub, when it was found there. */
  annotationsCount?: number;
}

/**
 * The "Audit ingest gate" check run of a head SHA: the recorded one, else the latest found on
 * GitHub (the database may be new), else undefined. Call under `checkRunLockKey(target)` so
 * concurrent jobs for the SHA agree on one check run.
 */
export async function findCheckRun({
  conn,
  octokit,
  appId,
  target,
}: {
  conn: Queryable;
  octokit: InstallationOctokit;
  appId: number | undefined;
  target: CheckRunTarget;
}): Promise<KnownCheckRun | undefined> {
  const { installationId, owner, repo, headSha } = target;
  const recorded = await conn.query<{ check_run_id: string; status: string; completed_by: string | null; annotation_batches_sent: number }>(
    `SELECT check_run_id::text, status, completed_by, annotation_batches_sent
     FROM check_runs WHERE installation_id = $1 AND repository = $2 AND head_sha = $3`,
    [installationId, `${owner}/${repo}`, headSha],
  );
  const row = recorded.rows[0];
  if (row) {
    return { id: Number(row.check_run_id), status: row.status, completedBy: row.completed_by, annotationBatchesSent: row.annotation_batches_sent };
  }
  const found = await octokit.rest.checks.listForRef({
    owner,
    repo,
    ref: headSha,
    check_name: INGEST_GATE_CHECK_NAME,
    filter: "latest",
    per_page: 1,
    ...(appId ? { app_id: appId } : {}),
  });
  const run = found.data.check_runs[0];
  if (!run) return undefined;
  await recordCheckRun({ conn, target, run: { id: run.id, status: run.status }, conclusion: run.conclusion ?? null });
  return { id: run.id, status: run.status, externalId: run.external_id ?? "", annotationsCount: run.output.annotations_count };
}

/**
 * The id of the head SHA's gate check run whose `external_id` is `externalId` (see
 * `gateExternalId`), among every one of them on GitHub; undefined when there is none.
 */
export async function findCheckRunByExternalId({
  octokit,
  appId,
  target,
  externalId,
}: {
  octokit: InstallationOctokit;
  appId: number | undefined;
  target: CheckRunTarget;
  externalId: string;
}): Promise<number | undefined> {
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    owner: target.owner,
    repo: target.repo,
    ref: target.headSha,
    check_name: INGEST_GATE_CHECK_NAME,
    filter: "all",
    per_page: 100,
    ...(appId ? { app_id: appId } : {}),
  });
  return runs.find((run) => run.external_id === externalId)?.id;
}

/** Remembers the head SHA's check run (the one to update by id from now on). */
export async function recordCheckRun({
  conn,
  target,
  run,
  conclusion = null,
  completedBy = null,
  annotationBatchesSent = 0,
}: {
  conn: Queryable;
  target: CheckRunTarget;
  run: KnownCheckRun;
  conclusion?: string | null;
  completedBy?: string | null;
  annotationBatchesSent?: number;
}): Promise<void> {
  await conn.query(
    `INSERT INTO check_runs (installation_id, repository, head_sha, check_run_id, status, conclusion, completed_by, annotation_batches_sent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (installation_id, repository, head_sha)
     DO UPDATE SET check_run_id = EXCLUDED.check_run_id, status = EXCLUDED.status, conclusion = EXCLUDED.conclusion,
                   completed_by = EXCLUDED.completed_by, annotation_batches_sent = EXCLUDED.annotation_batches_sent,
                   updated_at = now()`,
    [target.installationId, `${target.owner}/${target.repo}`, target.headSha, run.id, run.status, conclusion, completedBy, annotationBatchesSent],
  );
}

/** How many annotation batches of the recorded completion have been sent. */
export async function recordAnnotationBatches({ conn, target, sent }: { conn: Queryable; target: CheckRunTarget; sent: number }): Promise<void> {
  await conn.query(
    "UPDATE check_runs SET annotation_batches_sent = $4, updated_at = now() WHERE installation_id = $1 AND repository = $2 AND head_sha = $3",
    [target.installationId, `${target.owner}/${target.repo}`, target.headSha, sent],
  );
}

export function checkRunLockKey({ installationId, owner, repo, headSha }: CheckRunTarget): string {
  return `check-run:${installationId}:${owner}/${repo}:${headSha}`.toLowerCase();
}
