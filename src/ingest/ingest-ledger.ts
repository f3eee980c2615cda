import type { Queryable } from "../db/database.js";

export type IngestVerdict = "valid" | "invalid" | "signature_invalid" | "config_invalid" | "refused" | "missing" | "expired";

export interface IngestKey {
  installationId: number;
  repository: string;
  runId: number;
  runAttempt: number;
}

export interface IngestRecord extends IngestKey {
  headSha: string;
  artifactSha256: string | null;
  auditId: string | null;
  verdict: IngestVerdict;
  error: string | null;
  hitCount: number;
  counts: unknown;
}

/** The verdict already recorded for a run attempt, if any. */
export async function findIngest(conn: Queryable, key: IngestKey): Promise<{ verdict: IngestVerdict } | undefined> {
  const { rows } = await conn.query<{ verdict: IngestVerdict }>(
    "SELECT verdict FROM ingests WHERE installation_id = $1 AND repository = $2 AND run_id = $3 AND run_attempt = $4",
    [key.installationId, key.repository, key.runId, key.runAttempt],
  );
  return rows[0];
}

/** The latest ingested run attempt of a commit (what "Re-run ingest" takes in again). */
export async function findLatestIngestForSha(
  conn: Queryable,
  { installationId, repository, headSha }: { installationId: number; repository: string; headSha: string },
): Promise<{ runId: number; runAttempt: number } | undefined> {
  const { rows } = await conn.query<{ run_id: string; run_attempt: number }>(
    `SELECT run_id::text, run_attempt FROM ingests
     WHERE installation_id = $1 AND repository = $2 AND head_sha = $3
     ORDER BY ingested_at DESC, id DESC LIMIT 1`,
    [installationId, repository, headSha],
  );
  const row = rows[0];
  return row ? { runId: Number(row.run_id), runAttempt: row.run_attempt } : undefined;
}

/** Records (or, for a requested re-run, replaces) the verdict of a run attempt. */
export async function recordIngest(conn: Queryable, record: IngestRecord): Promise<void> {
  await conn.query(
    `INSERT INTO ingests (installation_id, repository, run_id, run_attempt, head_sha, artifact_sha256, audit_id,
                          verdict, error, hit_count, counts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
     ON CONFLICT (installation_id, repository, run_id, run_attempt) DO UPDATE SET
       head_sha = EXCLUDED.head_sha, artifact_sha256 = EXCLUDED.artifact_sha256, audit_id = EXCLUDED.audit_id,
       verdict = EXCLUDED.verdict, error = EXCLUDED.error, hit_count = EXCLUDED.hit_count,
       counts = EXCLUDED.counts, ingested_at = now()`,
    [
      record.installationId,
      record.repository,
      record.runId,
      record.runAttempt,
      record.headSha,
      record.artifactSha256,
      record.auditId,
      record.verdict,
      record.error,
      record.hitCount,
      JSON.stringify(record.counts ?? {}),
    ],
  );
}
