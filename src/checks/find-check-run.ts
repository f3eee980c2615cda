import type { Queryable } from "../db/database.js";
import type { InstallationOctokit } from "../jobs/job-context.js";
import { INGEST_GATE_CHECK_NAME, RERUN_INGEST_ACTION } from "./ingest-gate-check.js";

export interface CheckRunTarget {
  installationId: number;
  owner: string;
  repo: string;
  headSha: string;
}

export interface EnsuredCheckRun {
  id: number;
  status: string;
}

/**
 * The "Audit ingest gate" check run of a head SHA that can still take a verdict: the recorded
 * one, else one found on GitHub (the database may be new), else a new `queued` one; a completed
 * run is replaced by a new one, because GitHub appends annotations rather than replacing them.
 * Call under the lock `checkRunLockKey(target)` so concurrent jobs cannot create two.
 */
export async function ensureCheckRun({
  conn,
  octokit,
  appId,
  target,
  replaceCompleted,
}: {
  conn: Queryable;
  octokit: InstallationOctokit;
  appId: number | undefined;
  target: CheckRunTarget;
  /** true when a verdict is about to be written; false to leave a completed run as it is. */
  replaceCompleted: boolean;
}): Promise<EnsuredCheckRun> {
  const { installationId, owner, repo, headSha } = target;
  const repository = `${owner}/${repo}`;
  const recorded = await conn.query<{ check_run_id: string; status: string }>(
    "SELECT check_run_id::text, status FROM check_runs WHERE installation_id = $1 AND repository = $2 AND head_sha = $3",
    [installationId, repository, headSha],
  );
  let current: EnsuredCheckRun | undefined = recorded.rows[0]
    ? { id: Number(recorded.rows[0].check_run_id), status: recorded.rows[0].status }
    : undefined;

  if (!current) {
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
    if (run) current = { id: run.id, status: run.status };
  }
  if (current && (current.status !== "completed" || !replaceCompleted)) {
    await record(conn, target, current);
    return current;
  }
  const created = await octokit.rest.checks.create({
    owner,
    repo,
    name: INGEST_GATE_CHECK_NAME,
    head_sha: headSha,
    status: "queued",
    output: {
      title: "Waiting for the audit artifact",
      summary: "The audit artifact of this commit has not been ingested yet.",
    },
    actions: [RERUN_INGEST_ACTION],
  });
  const made = { id: created.data.id, status: created.data.status };
  await record(conn, target, made);
  return made;
}

export function checkRunLockKey({ installationId, owner, repo, headSha }: CheckRunTarget): string {
  return `check-run:${installationId}:${owner}/${repo}:${headSha}`.toLowerCase();
}

async function record(conn: Queryable, target: CheckRunTarget, run: EnsuredCheckRun): Promise<void> {
  await conn.query(
    `INSERT INTO check_runs (installation_id, repository, head_sha, check_run_id, status)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (installation_id, repository, head_sha)
     DO UPDATE SET check_run_id = EXCLUDED.check_run_id, status = EXCLUDED.status, updated_at = now()`,
    [target.installationId, `${target.owner}/${target.repo}`, target.headSha, run.id, run.status],
  );
}
