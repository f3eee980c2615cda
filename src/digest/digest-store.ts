import type { Database, Queryable } from "../db/database.js";
import type { DigestStateRow } from "./compute-digest-state.js";
import type { DigestHit } from "./digest-finding.js";

/** Where the digest of an audit_id lives and what was last applied to it. */
export interface DigestRecord {
  repository: string;
  issueNumber: number;
  lastGeneratedAt: string;
  lastContentSha256: string;
  state: "open" | "closed";
}

export interface DigestKey {
  installationId: number;
  auditId: string;
}

export async function loadDigestRecord(conn: Queryable, key: DigestKey): Promise<DigestRecord | undefined> {
  const { rows } = await conn.query<{
    repository: string;
    issue_number: number;
    last_generated_at: Date | string;
    last_content_sha256: string;
    state: "open" | "closed";
  }>(
    `SELECT repository, issue_number, last_generated_at, last_content_sha256, state
     FROM digests WHERE installation_id = $1 AND audit_id = $2`,
    [key.installationId, key.auditId],
  );
  const row = rows[0];
  return row
    ? {
        repository: row.repository,
        issueNumber: row.issue_number,
        lastGeneratedAt: new Date(row.last_generated_at).toISOString(),
        lastContentSha256: row.last_content_sha256,
        state: row.state,
      }
    : undefined;
}

export async function loadFindingStates(conn: Queryable, key: DigestKey): Promise<DigestStateRow[]> {
  const { rows } = await conn.query<{
    status: DigestStateRow["status"];
    first_seen_at: Date | string;
    last_seen_at: Date | string;
    resolved_at: Date | string | null;
    suppressed_reason: string | null;
    hit: DigestHit;
  }>(
    `SELECT status, first_seen_at, last_seen_at, resolved_at, suppressed_reason, hit
     FROM digest_findings WHERE installation_id = $1 AND audit_id = $2`,
    [key.installationId, key.auditId],
  );
  return rows.map((row) => ({
    ...row.hit,
    status: row.status,
    firstSeenAt: new Date(row.first_seen_at).toISOString(),
    lastSeenAt: new Date(row.last_seen_at).toISOString(),
    ...(row.resolved_at ? { resolvedAt: new Date(row.resolved_at).toISOString() } : {}),
    ...(row.suppressed_reason ? { suppressedReason: row.suppressed_reason } : {}),
  }));
}

const FINDING_BATCH = 1_000;

/**
 * Saves what a digest update applied, in one transaction: the issue it lives in and the state
 * of every fingerprint, so "new" and "resolved" stay true across runs and processes.
 */
export async function saveDigest({
  db,
  key,
  record,
  findings,
}: {
  db: Database;
  key: DigestKey;
  record: DigestRecord;
  findings: readonly DigestStateRow[];
}): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO digests (installation_id, audit_id, repository, issue_number, last_generated_at, last_content_sha256, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (installation_id, audit_id) DO UPDATE SET
         repository = EXCLUDED.repository, issue_number = EXCLUDED.issue_number,
         last_generated_at = EXCLUDED.last_generated_at, last_content_sha256 = EXCLUDED.last_content_sha256,
         state = EXCLUDED.state, updated_at = now()`,
      [key.installationId, key.auditId, record.repository, record.issueNumber, record.lastGeneratedAt, record.lastContentSha256, record.state],
    );
    await tx.query("DELETE FROM digest_findings WHERE installation_id = $1 AND audit_id = $2", [key.installationId, key.auditId]);
    for (let i = 0; i < findings.length; i += FINDING_BATCH) {
      const batch = findings.slice(i, i + FINDING_BATCH);
      await tx.query(
        `INSERT INTO digest_findings
           (installation_id, audit_id, fingerprint, status, first_seen_at, last_seen_at, resolved_at, suppressed_reason, hit)
         SELECT $1, $2, f->>'fingerprint', f->>'status', (f->>'firstSeenAt')::timestamptz, (f->>'lastSeenAt')::timestamptz,
                (f->>'resolvedAt')::timestamptz, f->>'suppressedReason', f->'hit'
         FROM jsonb_array_elements($3::jsonb) AS f`,
        [key.installationId, key.auditId, JSON.stringify(batch.map(toStoredFinding))],
      );
    }
  });
}

function toStoredFinding(row: DigestStateRow) {
  const { status, firstSeenAt, lastSeenAt, resolvedAt, suppressedReason, ...hit } = row;
  return { fingerprint: row.fingerprint, status, firstSeenAt, lastSeenAt, resolvedAt, suppressedReason, hit };
}
