import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import type { Hit } from "../artifact/consumer-artifact-schema.js";
import type { Database } from "../db/database.js";
import type { InstallationOctokit } from "../jobs/job-context.js";
import { buildAnnotations } from "./build-annotations.js";
import { CHECK_RUN_LIMITS } from "./check-run-limits.js";
import { checkRunLockKey, ensureCheckRun, type CheckRunTarget } from "./ensure-check-run.js";
import type { GateResult } from "./gate-result.js";
import { RERUN_INGEST_ACTION } from "./ingest-gate-check.js";
import { renderCheckOutput } from "./render-check-output.js";

/**
 * Writes the gate's verdict on the head SHA's check run, updating the one that waits by id.
 * Findings in this repository's files become annotations, 50 per request, capped in total.
 */
export async function completeCheckRun({
  db,
  octokit,
  appId,
  target,
  result,
}: {
  db: Database;
  octokit: InstallationOctokit;
  appId: number | undefined;
  target: CheckRunTarget;
  result: GateResult;
}): Promise<{ checkRunId: number; conclusion: string; annotations: number }> {
  const output = renderCheckOutput(result);
  const hits: readonly FingerprintedHit<Hit>[] = result.kind === "valid" ? result.checked.hits : [];
  const { annotations, omitted } = buildAnnotations({
    hits,
    repository: `${target.owner}/${target.repo}`,
    limit: CHECK_RUN_LIMITS.annotationsTotal,
  });
  const summary = omitted > 0
    ? `${output.summary}\n\n${annotations.length} findings in this repository are annotated; ${omitted} more are not (GitHub shows a limited number).`
    : output.summary;
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += CHECK_RUN_LIMITS.annotationsPerRequest) {
    batches.push(annotations.slice(i, i + CHECK_RUN_LIMITS.annotationsPerRequest));
  }

  return db.withLock(checkRunLockKey(target), async (conn) => {
    const run = await ensureCheckRun({ conn, octokit, appId, target, replaceCompleted: true });
    const { owner, repo } = target;
    const base = { title: output.title, summary, ...(output.text ? { text: output.text } : {}) };
    await octokit.rest.checks.update({
      owner,
      repo,
      check_run_id: run.id,
      status: "completed",
      conclusion: output.conclusion,
      completed_at: new Date().toISOString(),
      output: { ...base, ...(batches[0] ? { annotations: batches[0] } : {}) },
      actions: [RERUN_INGEST_ACTION],
    });
    for (const batch of batches.slice(1)) {
      await octokit.rest.checks.update({ owner, repo, check_run_id: run.id, output: { ...base, annotations: batch } });
    }
    await conn.query(
      `UPDATE check_runs SET status = 'completed', conclusion = $4, updated_at = now()
       WHERE installation_id = $1 AND repository = $2 AND head_sha = $3`,
      [target.installationId, `${owner}/${repo}`, target.headSha, output.conclusion],
    );
    return { checkRunId: run.id, conclusion: output.conclusion, annotations: annotations.length };
  });
}
