import type { ConsumerArtifact } from "../artifact/consumer-artifact-schema.js";
import type { Queryable } from "../db/database.js";
import type { DigestKey } from "../digest/digest-store.js";
import type { FallbackReason, FallbackRecord, FallbackStatus } from "./fallback-record.js";

const COLUMNS = `id::text AS id, installation_id::text AS installation_id, home, audit_id, target_repository, run_repository, head_sha,
  status, reason_cause, reason_status, reason_message, generated_at, artifact, fingerprints, digest_title, digest_body, digest_url,
  created_at, updated_at, expires_at, redriven_at`;

interface FallbackRow {
  id: string;
  installation_id: string;
  home: string;
  audit_id: string;
  target_repository: string;
  run_repository: string;
  head_sha: string;
  status: FallbackStatus;
  reason_cause: FallbackReason["cause"];
  reason_status: number;
  reason_message: string;
  generated_at: Date | string;
  artifact: ConsumerArtifact;
  fingerprints: string[];
  digest_title: string;
  digest_body: string;
  digest_url: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  expires_at: Date | string;
  redriven_at: Date | string | null;
}

/** What a failure hands the store; the rest (id, times, status) the database decides. */
export interface PendingFallback {
  key: DigestKey;
  targetRepository: string;
  runRepository: string;
  headSha: string;
  reason: FallbackReason;
  generatedAt: string;
  /** Already redacted (`redactArtifact`). */
  artifact: ConsumerArtifact;
  fingerprints: readonly string[];
  digest: { title: string; body: string };
  ttlDays: number;
}

/**
 * Keeps the pending record of (installation, home, audit_id) current: the first failure
 * inserts it, a later one for the same or a newer artifact updates it in place (same id, new
 * expiry), an older artifact leaves the newer pending record as it is. Returns the pending record.
 */
export async function savePendingFallback(db: Queryable, input: PendingFallback): Promise<FallbackRecord> {
  const { key } = input;
  const { rows } = await db.query<FallbackRow>(
    `INSERT INTO fallback_records
       (installation_id, home, audit_id, target_repository, run_repository, head_sha, reason_cause, reason_status, reason_message,
        generated_at, artifact, fingerprints, digest_title, digest_body, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13, $14, now() + make_interval(days => $15))
     ON CONFLICT (installation_id, home, audit_id) WHERE status = 'pending' DO UPDATE SET
       target_repository = EXCLUDED.target_repository, run_repository = EXCLUDED.run_repository, head_sha = EXCLUDED.head_sha,
       reason_cause = EXCLUDED.reason_cause, reason_status = EXCLUDED.reason_status, reason_message = EXCLUDED.reason_message,
       generated_at = EXCLUDED.generated_at, artifact = EXCLUDED.artifact, fingerprints = EXCLUDED.fingerprints,
       digest_title = EXCLUDED.digest_title, digest_body = EXCLUDED.digest_body, expires_at = EXCLUDED.expires_at, updated_at = now()
     WHERE fallback_records.generated_at <= EXCLUDED.generated_at
     RETURNING ${COLUMNS}`,
    [
      key.installationId,
      key.home,
      key.auditId,
      input.targetRepository,
      input.runRepository,
      input.headSha,
      input.reason.cause,
      input.reason.status,
      input.reason.message,
      input.generatedAt,
      JSON.stringify(input.artifact),
      JSON.stringify(input.fingerprints),
      input.digest.title,
      input.digest.body,
      input.ttlDays,
    ],
  );
  const saved = rows[0];
  if (saved) return toRecord(saved);
  const pending = await db.query<FallbackRow>(
    `SELECT ${COLUMNS} FROM fallback_records WHERE installation_id = $1 AND home = $2 AND audit_id = $3 AND status = 'pending'`,
    [key.installationId, key.home, key.auditId],
  );
  return toRecord(pending.rows[0]!);
}

export async function loadFallbackRecord(db: Queryable, id: number): Promise<FallbackRecord | undefined> {
  const { rows } = await db.query<FallbackRow>(`SELECT ${COLUMNS} FROM fallback_records WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Every record, oldest first. */
export async function listFallbackRecords(db: Queryable): Promise<FallbackRecord[]> {
  const { rows } = await db.query<FallbackRow>(`SELECT ${COLUMNS} FROM fallback_records ORDER BY id`);
  return rows.map(toRecord);
}

/**
 * An installation's pending records (or the one asked for, if pending), oldest first, after
 * the id `afterId` when given, at most `limit`.
 */
export async function listPendingFallbacks(
  db: Queryable,
  { installationId, recordId = null, afterId = null, limit }: { installationId: number; recordId?: number | null; afterId?: number | null; limit: number },
): Promise<FallbackRecord[]> {
  const { rows } = await db.query<FallbackRow>(
    `SELECT ${COLUMNS} FROM fallback_records
     WHERE installation_id = $1 AND status = 'pending' AND ($2::bigint IS NULL OR id = $2::bigint) AND ($3::bigint IS NULL OR id > $3::bigint)
     ORDER BY id LIMIT $4`,
    [installationId, recordId, afterId, limit],
  );
  return rows.map(toRecord);
}

/** The pending records of an audit_id in an installation (one per home at most), oldest first. */
export async function listPendingFallbacksOfAudit(db: Queryable, { installationId, auditId }: { installationId: number; auditId: string }): Promise<FallbackRecord[]> {
  const { rows } = await db.query<FallbackRow>(
    `SELECT ${COLUMNS} FROM fallback_records WHERE installation_id = $1 AND audit_id = $2 AND status = 'pending' ORDER BY id`,
    [installationId, auditId],
  );
  return rows.map(toRecord);
}

/** Records still waiting to be filed (pending, not yet expired), across installations. */
export async function countPendingFallbacks(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM fallback_records WHERE status = 'pending' AND expires_at > now()`);
  return rows[0]?.count ?? 0;
}

/** Installations, neither suspended nor deleted, that have pending records (at most `limit`). */
export async function installationsWithPendingFallbacks(db: Queryable, { limit }: { limit: number }): Promise<number[]> {
  const { rows } = await db.query<{ installation_id: string }>(
    `SELECT DISTINCT f.installation_id::text AS installation_id FROM fallback_records f
     LEFT JOIN installations i ON i.installation_id = f.installation_id
     WHERE f.status = 'pending' AND NOT COALESCE(i.suspended OR i.deleted, false)
     ORDER BY 1 LIMIT $1`,
    [limit],
  );
  return rows.map((row) => Number(row.installation_id));
}

/** Ends a pending record (`redriven`, `superseded`, `refused`); false when it was no longer pending. */
export async function closeFallback(
  db: Queryable,
  { id, status, digestUrl = null }: { id: number; status: Exclude<FallbackStatus, "pending">; digestUrl?: string | null },
): Promise<boolean> {
  const { rows } = await db.query(
    `UPDATE fallback_records SET status = $2, digest_url = $3, redriven_at = CASE WHEN $2 = 'redriven' THEN now() ELSE NULL END, updated_at = now()
     WHERE id = $1 AND status = 'pending' RETURNING id`,
    [id, status, digestUrl],
  );
  return rows.length > 0;
}

/**
 * An ingest filed the digest of `key` from an artifact generated at `generatedAt`: pending
 * records of that artifact or an older one are superseded. Returns their ids.
 */
export async function supersedeFallbacks(db: Queryable, { key, generatedAt }: { key: DigestKey; generatedAt: string }): Promise<number[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE fallback_records SET status = 'superseded', updated_at = now()
     WHERE installation_id = $1 AND home = $2 AND audit_id = $3 AND status = 'pending' AND generated_at <= $4
     RETURNING id::text AS id`,
    [key.installationId, key.home, key.auditId, generatedAt],
  );
  return rows.map((row) => Number(row.id));
}

/** Deletes up to `limit` records past their expiry, whatever their status; returns their ids. */
export async function deleteExpiredFallbacks(db: Queryable, { limit }: { limit: number }): Promise<number[]> {
  const { rows } = await db.query<{ id: string }>(
    `DELETE FROM fallback_records WHERE id IN (
       SELECT id FROM fallback_records WHERE expires_at <= now() ORDER BY expires_at LIMIT $1)
     RETURNING id::text AS id`,
    [limit],
  );
  return rows.map((row) => Number(row.id));
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function toRecord(row: FallbackRow): FallbackRecord {
  return {
    id: Number(row.id),
    installationId: Number(row.installation_id),
    home: row.home,
    auditId: row.audit_id,
    targetRepository: row.target_repository,
    runRepository: row.run_repository,
    headSha: row.head_sha,
    status: row.status,
    reason: { cause: row.reason_cause, status: row.reason_status, message: row.reason_message },
    generatedAt: iso(row.generated_at),
    artifact: row.artifact,
    fingerprints: row.fingerprints,
    digest: { title: row.digest_title, body: row.digest_body },
    digestUrl: row.digest_url,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    expiresAt: iso(row.expires_at),
    redrivenAt: row.redriven_at === null ? null : iso(row.redriven_at),
  };
}
