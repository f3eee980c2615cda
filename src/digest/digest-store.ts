import type { Database, Queryable } from "../db/database.js";
import type { DigestStateRow } from "./compute-digest-state.js";
import type { DigestHit } from "./digest-finding.js";
import type { OwedComment } from "../issues/post-owed-comment.js";

/** How the update that started the current set of findings showed a finding, when it stood out. */
export type ShownAs = "new" | "resolved";

/** A finding's stored state, with how the digest showed it (see `viewAsShown`). */
export interface StoredFindingRow extends DigestStateRow {
  shownAs?: ShownAs;
}

/** Where the digest of an audit_id lives and what was last applied to it. */
export interface DigestRecord {
  repository: string;
  issueNumber: number;
  lastGeneratedAt: string;
  lastContentSha256: string;
  state: "open" | "closed";
  /** The last applied artifact was a complete scan (a partial one resolves and closes nothing). */
  complete: boolean;
  /** A comment this update owes people, posted after the save and cleared once it is. */
  pendingComment: OwedComment | null;
  /**
   * `generated_at` of the first scan that produced the findings the digest shows now, as the
   * artifact wrote it (later scans with the same findings leave it); unset for a digest last
   * updated before it was kept.
   */
  findingsSince?: string;
}

/** A digest belongs to its installation, its home repository and its audit_id. */
export interface DigestKey {
  installationId: number;
  /** Lower-cased `owner/name` of the home repository. */
  home: string;
  auditId: string;
}

export function digestKey({ installationId, home, auditId }: DigestKey): DigestKey {
  return { installationId, home: home.toLowerCase(), auditId };
}

/** The lock every change to one digest takes (across processes). */
export function digestLockKey(key: DigestKey): string {
  return `digest:${key.installationId}:${key.home}:${key.auditId}`;
}

export async function loadDigestRecord(conn: Queryable, key: DigestKey): Promise<DigestRecord | undefined> {
  const { rows } = await conn.query<{
    repository: string;
    issue_number: number;
    last_generated_at: Date | string;
    last_content_sha256: string;
    state: "open" | "closed";
    last_complete: boolean;
    pending_comment: OwedComment | null;
    findings_since: string | null;
  }>(
    `SELECT repository, issue_number, last_generated_at, last_content_sha256, state, last_complete, pending_comment, findings_since
     FROM digests WHERE installation_id = $1 AND home = $2 AND audit_id = $3`,
    [key.installationId, key.home, key.auditId],
  );
  const row = rows[0];
  return row
    ? {
        repository: row.repository,
        issueNumber: row.issue_number,
        lastGeneratedAt: new Date(row.last_generated_at).toISOString(),
        lastContentSha256: row.last_content_sha256,
        state: row.state,
        complete: row.last_complete,
        pendingComment: row.pending_comment,
        ...(row.findings_since === null ? {} : { findingsSince: row.findings_since }),
      }
    : undefined;
}

/** The stored state of every fingerprint of a digest, sorted by fingerprint (code-unit order, as `computeDigestState` sorts). */
export async function loadFindingStates(conn: Queryable, key: DigestKey): Promise<StoredFindingRow[]> {
  const { rows } = await conn.query<{
    status: DigestStateRow["status"];
    first_seen_at: Date | string;
    last_seen_at: Date | string;
    resolved_at: Date | string | null;
    suppressed_reason: string | null;
    shown_as: ShownAs | null;
    hit: DigestHit;
  }>(
    `SELECT status, first_seen_at, last_seen_at, resolved_at, suppressed_reason, shown_as, hit
     FROM digest_findings WHERE installation_id = $1 AND home = $2 AND audit_id = $3
     ORDER BY fingerprint COLLATE "C"`,
    [key.installationId, key.home, key.auditId],
  );
  return rows.map((row) => ({
    ...row.hit,
    status: row.status,
    firstSeenAt: new Date(row.first_seen_at).toISOString(),
    lastSeenAt: new Date(row.last_seen_at).toISOString(),
    ...(row.resolved_at ? { resolvedAt: new Date(row.resolved_at).toISOString() } : {}),
    ...(row.suppressed_reason ? { suppressedReason: row.suppressed_reason } : {}),
    ...(row.shown_as ? { shownAs: row.shown_as } : {}),
  }));
}

const FINDING_BATCH = 1_000;

/**
 * Saves what a digest update applied, in one transaction: the issue it lives in and the state
 * of every fingerprint, so "new" and "resolved" stay true across runs and processes. Without
 * `findings` (a scan with the same findings) the stored states are left as they are.
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
  findings?: readonly StoredFindingRow[];
}): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO digests (installation_id, home, audit_id, repository, issue_number, last_generated_at, last_content_sha256, state, pending_comment, last_complete, findings_since)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
       ON CONFLICT (installation_id, home, audit_id) DO UPDATE SET
         repository = EXCLUDED.repository, issue_number = EXCLUDED.issue_number,
         last_generated_at = EXCLUDED.last_generated_at, last_content_sha256 = EXCLUDED.last_content_sha256,
         state = EXCLUDED.state, pending_comment = EXCLUDED.pending_comment, last_complete = EXCLUDED.last_complete,
         findings_since = EXCLUDED.findings_since, updated_at = now()`,
      [
        key.installationId,
        key.home,
        key.auditId,
        record.repository,
        record.issueNumber,
        record.lastGeneratedAt,
        record.lastContentSha256,
        record.state,
        record.pendingComment === null ? null : JSON.stringify(record.pendingComment),
        record.complete,
        record.findingsSince ?? null,
      ],
    );
    if (findings === undefined) return;
    await tx.query("DELETE FROM digest_findings WHERE installation_id = $1 AND home = $2 AND audit_id = $3", [key.installationId, key.home, key.auditId]);
    for (let i = 0; i < findings.length; i += FINDING_BATCH) {
      const batch = findings.slice(i, i + FINDING_BATCH);
      await tx.query(
        `INSERT INTO digest_findings
           (installation_id, home, audit_id, fingerprint, status, first_seen_at, last_seen_at, resolved_at, suppressed_reason, shown_as, hit)
         SELECT $1, $2, $3, f->>'fingerprint', f->>'status', (f->>'firstSeenAt')::timestamptz, (f->>'lastSeenAt')::timestamptz,
                (f->>'resolvedAt')::timestamptz, f->>'suppressedReason', f->>'shownAs', f->'hit'
         FROM jsonb_array_elements($4::jsonb) AS f`,
        [key.installationId, key.home, key.auditId, JSON.stringify(batch.map(toStoredFinding))],
      );
    }
  });
}

/** The owed comment was posted: nothing is owed any more. */
export async function clearPendingComment(conn: Queryable, key: DigestKey): Promise<void> {
  await conn.query("UPDATE digests SET pending_comment = NULL WHERE installation_id = $1 AND home = $2 AND audit_id = $3", [
    key.installationId,
    key.home,
    key.auditId,
  ]);
}

function toStoredFinding(row: StoredFindingRow) {
  const { status, firstSeenAt, lastSeenAt, resolvedAt, suppressedReason, shownAs, ...hit } = row;
  return { fingerprint: row.fingerprint, status, firstSeenAt, lastSeenAt, resolvedAt, suppressedReason, shownAs, hit };
}
