import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import type { Hit } from "../artifact/consumer-artifact-schema.js";
import type { Database } from "../db/database.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import { buildAnnotations } from "./build-annotations.js";
import { CHECK_RUN_LIMITS } from "./check-run-limits.js";
import { createOnce } from "../github/create-once.js";
import { checkRunLockKey, findCheckRun, findCheckRunByExternalId, recordAnnotationBatches, recordCheckRun, type CheckRunTarget } from "./find-check-run.js";
import { gateExternalId } from "./gate-external-id.js";
import type { GateResult } from "./gate-result.js";
import { INGEST_GATE_CHECK_NAME, RERUN_INGEST_ACTION } from "./ingest-gate-check.js";
import { renderCheckOutput } from "./render-check-output.js";

/** Results that say nothing about the artifact itself: they never replace a verdict already given. */
const NO_VERDICT: ReadonlySet<GateResult["kind"]> = new Set(["missing", "expired", "not_ingested", "stale"]);

/**
 * Writes the gate's verdict on the head SHA's check run, updating the one that waits by id.
 * Findings in this repository's files become annotations, 50 per request, capped in total;
 * those the digest suppresses do not. No write is repeated blindly after a failure GitHub may
 * have carried out: the verdict carries an `external_id` naming this ingest (`gateExternalId`),
 * by which a check run created before the failure is found, and an annotation batch is sent
 * again only when the check run's count of annotations shows it did not arrive.
 * A run without the artifact (another workflow of the same commit, say) leaves a verdict that
 * is already there alone, and adds no check run where none waits: `undefined` is returned and
 * nothing is written.
 */
export async function completeCheckRun({
  db,
  octokit,
  appId,
  target,
  result,
  completedBy,
}: {
  db: Database;
  octokit: InstallationOctokit;
  appId: number | undefined;
  target: CheckRunTarget;
  result: GateResult;
  /**
   * Names the ingest giving this verdict (a run attempt, or one re-run request). When the check
   * run was already completed under the same name, this is a retry of that ingest: it finishes
   * what is left (annotation batches) on that check run and creates none.
   */
  completedBy: string;
}): Promise<{ checkRunId: number; conclusion: string; annotations: number } | undefined> {
  const output = renderCheckOutput(result);
  const hits: readonly FingerprintedHit<Hit>[] = result.kind === "valid" ? result.checked.hits : [];
  const { annotations, omitted, withheld, suppressed } = buildAnnotations({
    hits,
    repository: `${target.owner}/${target.repo}`,
    limit: CHECK_RUN_LIMITS.annotationsTotal,
    ...(result.kind === "valid" && result.suppressed ? { suppressed: result.suppressed } : {}),
  });
  const summary = [
    output.summary,
    ...(omitted > 0
      ? [`${annotations.length} findings in this repository are annotated; ${omitted} more are not (GitHub shows a limited number).`]
      : []),
    ...(withheld > 0
      ? [`${withheld} ${withheld === 1 ? "finding is" : "findings are"} not annotated because ${withheld === 1 ? "its path holds" : "their paths hold"} a secret (GitHub needs the real path to place an annotation, and it is not sent).`]
      : []),
    ...(suppressed > 0
      ? [`${suppressed} ${suppressed === 1 ? "finding is" : "findings are"} not annotated because the digest suppresses ${suppressed === 1 ? "it" : "them"} (dismissed or muted by an \`/audit\` command, or in the configuration's suppressions).`]
      : []),
  ].join("\n\n");
  const batches: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += CHECK_RUN_LIMITS.annotationsPerRequest) {
    batches.push(annotations.slice(i, i + CHECK_RUN_LIMITS.annotationsPerRequest));
  }

  return db.withLock(checkRunLockKey(target), async (conn) => {
    const { owner, repo, headSha } = target;
    const base = { title: output.title, summary, ...(output.text ? { text: output.text } : {}) };
    const externalId = gateExternalId({ headSha, completedBy });
    const verdict = {
      status: "completed" as const,
      conclusion: output.conclusion,
      completed_at: new Date().toISOString(),
      external_id: externalId,
      output: { ...base, ...(batches[0] ? { annotations: batches[0] } : {}) },
      actions: [RERUN_INGEST_ACTION],
    };
    /** Annotations on the check run once batches 0 to `index` have arrived. */
    const annotationsThrough = (index: number): number => batches.slice(0, index + 1).reduce((sum, batch) => sum + batch.length, 0);
    /** Sends annotation batches from `from` on, each once: after a failure, the check run's count of annotations tells whether it arrived. */
    const sendBatches = async (checkRunId: number, from: number): Promise<void> => {
      for (const [index, batch] of batches.entries()) {
        if (index < from) continue;
        const expected = annotationsThrough(index);
        await createOnce({
          create: async () => {
            await octokit.rest.checks.update({ owner, repo, check_run_id: checkRunId, output: { ...base, annotations: batch } });
            return true;
          },
          find: async () => ((await octokit.rest.checks.get({ owner, repo, check_run_id: checkRunId })).data.output.annotations_count >= expected ? true : undefined),
        });
        await recordAnnotationBatches({ conn, target, sent: index + 1 });
      }
    };
    // A waiting check run is completed by id; a completed one is not reused (GitHub appends
    // annotations), and without one the verdict is created in a single request.
    const waiting = await findCheckRun({ conn, octokit, appId, target });
    // Completed by this ingest already: as the database recorded, or as GitHub shows (the ingest stopped before recording it).
    if (waiting?.status === "completed" && (waiting.completedBy === completedBy || waiting.externalId === externalId)) {
      let sent = waiting.annotationBatchesSent ?? 0;
      if (waiting.completedBy !== completedBy) {
        // The batches whose annotations are all on the check run arrived.
        const count = waiting.annotationsCount ?? 0;
        sent = Math.max(1, batches.filter((_, index) => annotationsThrough(index) <= count).length);
        await recordCheckRun({ conn, target, run: waiting, conclusion: output.conclusion, completedBy, annotationBatchesSent: sent });
      }
      await sendBatches(waiting.id, sent);
      return { checkRunId: waiting.id, conclusion: output.conclusion, annotations: annotations.length };
    }
    if (waiting?.status === "completed" && NO_VERDICT.has(result.kind)) return undefined;
    // Every workflow of every repository reports in; one without the artifact gets a check run
    // only where one waits for it (a pull request's), so commits that never asked stay quiet.
    if (!waiting && result.kind === "missing") return undefined;
    // Either write may have been carried out although it failed: the verdict's external_id tells.
    const checkRunId =
      waiting && waiting.status !== "completed"
        ? await createOnce({
            create: async () => (await octokit.rest.checks.update({ owner, repo, check_run_id: waiting.id, ...verdict })).data.id,
            find: async () => ((await octokit.rest.checks.get({ owner, repo, check_run_id: waiting.id })).data.external_id === externalId ? waiting.id : undefined),
          })
        : await createOnce({
            create: async () => (await octokit.rest.checks.create({ owner, repo, name: INGEST_GATE_CHECK_NAME, head_sha: headSha, ...verdict })).data.id,
            find: () => findCheckRunByExternalId({ octokit, appId, target, externalId }),
          });
    // Recorded before the other batches go out, so a retry finishes this check run.
    await recordCheckRun({ conn, target, run: { id: checkRunId, status: "completed" }, conclusion: output.conclusion, completedBy, annotationBatchesSent: 1 });
    await sendBatches(checkRunId, 1);
    return { checkRunId, conclusion: output.conclusion, annotations: annotations.length };
  });
}
