import type { Database, Queryable } from "../db/database.js";
import type { SuppressionRule } from "./compute-digest-state.js";
import type { DigestKey } from "./digest-store.js";

/** Why a finding is dismissed, in code scanning's words. */
export type DismissReason = "false_positive" | "wont_fix" | "used_in_tests";

export const DISMISS_REASON_TEXT: Readonly<Record<DismissReason, string>> = {
  false_positive: "false positive",
  wont_fix: "won't fix",
  used_in_tests: "used in tests",
};

/** A finding dismissed by a person, for one digest. */
export interface Dismissal {
  fingerprint: string;
  reason: DismissReason;
  note?: string;
  actor: string;
  /** ISO date-time. */
  createdAt: string;
}

/** A pattern muted by a person for one digest, in every repository or in one. */
export interface Mute {
  pattern: string;
  /** Lower-cased `owner/name`, or undefined for every repository. */
  repo?: string;
  /** YYYY-MM-DD: the last day the mute applies. */
  until?: string;
  actor: string;
  createdAt: string;
}

/** Who did what, recorded with each change (the comment that asked for it). */
export interface SuppressionActor {
  actor: string;
  commentId: number | null;
}

/** The dismissals and mutes of a digest as suppression rules, beside the configuration's. */
export async function loadDigestSuppressions(conn: Queryable, key: DigestKey): Promise<SuppressionRule[]> {
  const [dismissals, mutes] = [await loadDismissals(conn, key), await loadMutes(conn, key)];
  return [
    ...dismissals.map((d) => ({ fingerprint: d.fingerprint, reason: describeDismissal(d) })),
    ...mutes.map((m) => ({
      pattern: m.pattern,
      ...(m.repo ? { repo: m.repo } : {}),
      // A mute holds through its last day (UTC).
      ...(m.until ? { until: `${m.until}T23:59:59.999Z` } : {}),
      reason: `muted by @${m.actor} on ${m.createdAt.slice(0, 10)}${m.until ? ` until ${m.until}` : ""}`,
    })),
  ];
}

/** How the digest says who dismissed a finding, why and when. */
export function describeDismissal(d: Dismissal): string {
  return `${DISMISS_REASON_TEXT[d.reason]}: @${d.actor} on ${d.createdAt.slice(0, 10)}${d.note ? ` (${d.note})` : ""}`;
}

export async function loadDismissals(conn: Queryable, key: DigestKey): Promise<Dismissal[]> {
  const { rows } = await conn.query<{ fingerprint: string; reason: DismissReason; note: string | null; actor: string; created_at: Date | string }>(
    `SELECT fingerprint, reason, note, actor, created_at FROM digest_dismissals
     WHERE installation_id = $1 AND home = $2 AND audit_id = $3 ORDER BY fingerprint`,
    [key.installationId, key.home, key.auditId],
  );
  return rows.map((row) => ({
    fingerprint: row.fingerprint,
    reason: row.reason,
    ...(row.note ? { note: row.note } : {}),
    actor: row.actor,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

export async function loadMutes(conn: Queryable, key: DigestKey): Promise<Mute[]> {
  const { rows } = await conn.query<{ pattern: string; repo_key: string; until: string | null; actor: string; created_at: Date | string }>(
    `SELECT pattern, repo_key, to_char(until, 'YYYY-MM-DD') AS until, actor, created_at FROM digest_mutes
     WHERE installation_id = $1 AND home = $2 AND audit_id = $3 ORDER BY pattern, repo_key`,
    [key.installationId, key.home, key.auditId],
  );
  return rows.map((row) => ({
    pattern: row.pattern,
    ...(row.repo_key !== "" ? { repo: row.repo_key } : {}),
    ...(row.until ? { until: row.until } : {}),
    actor: row.actor,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

/** Dismisses a finding (or changes why), and records it; the finding's pattern goes with the record. */
export async function recordDismissal({
  db,
  key,
  fingerprint,
  pattern,
  reason,
  note,
  by,
}: {
  db: Database;
  key: DigestKey;
  fingerprint: string;
  pattern: string;
  reason: DismissReason;
  note?: string;
  by: SuppressionActor;
}): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO digest_dismissals (installation_id, home, audit_id, fingerprint, reason, note, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (installation_id, home, audit_id, fingerprint) DO UPDATE SET
         reason = EXCLUDED.reason, note = EXCLUDED.note, actor = EXCLUDED.actor, created_at = now()`,
      [key.installationId, key.home, key.auditId, fingerprint, reason, note ?? null, by.actor],
    );
    await recordEvent(tx, { key, action: "dismiss", reason, fingerprint, pattern, note: note ?? null, by });
  });
}

/** Undoes a dismissal; false when the finding was not dismissed. */
export async function liftDismissal({
  db,
  key,
  fingerprint,
  pattern,
  by,
}: {
  db: Database;
  key: DigestKey;
  fingerprint: string;
  pattern: string;
  by: SuppressionActor;
}): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ reason: string }>(
      `DELETE FROM digest_dismissals WHERE installation_id = $1 AND home = $2 AND audit_id = $3 AND fingerprint = $4 RETURNING reason`,
      [key.installationId, key.home, key.auditId, fingerprint],
    );
    if (rows.length === 0) return false;
    await recordEvent(tx, { key, action: "reopen", reason: rows[0]?.reason ?? null, fingerprint, pattern, note: null, by });
    return true;
  });
}

/** Mutes a pattern (in one repository when `repo` is given) until a day, or changes that day. */
export async function recordMute({ db, key, pattern, repo, until, by }: { db: Database; key: DigestKey; pattern: string; repo?: string; until?: string; by: SuppressionActor }): Promise<void> {
  const repoKey = repo?.toLowerCase() ?? "";
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO digest_mutes (installation_id, home, audit_id, pattern, repo_key, until, actor)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7)
       ON CONFLICT (installation_id, home, audit_id, pattern, repo_key) DO UPDATE SET
         until = EXCLUDED.until, actor = EXCLUDED.actor, created_at = now()`,
      [key.installationId, key.home, key.auditId, pattern, repoKey, until ?? null, by.actor],
    );
    await recordEvent(tx, { key, action: "mute", reason: "muted", pattern, repoKey, until: until ?? null, note: null, by });
  });
}

/** Lifts a mute; false when the pattern was not muted (in that repository). */
export async function liftMute({ db, key, pattern, repo, by }: { db: Database; key: DigestKey; pattern: string; repo?: string; by: SuppressionActor }): Promise<boolean> {
  const repoKey = repo?.toLowerCase() ?? "";
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(
      `DELETE FROM digest_mutes WHERE installation_id = $1 AND home = $2 AND audit_id = $3 AND pattern = $4 AND repo_key = $5 RETURNING pattern`,
      [key.installationId, key.home, key.auditId, pattern, repoKey],
    );
    if (rows.length === 0) return false;
    await recordEvent(tx, { key, action: "unmute", reason: null, pattern, repoKey, note: null, by });
    return true;
  });
}

async function recordEvent(
  tx: Queryable,
  event: {
    key: DigestKey;
    action: "dismiss" | "reopen" | "mute" | "unmute";
    reason: string | null;
    fingerprint?: string;
    pattern: string;
    repoKey?: string;
    until?: string | null;
    note: string | null;
    by: SuppressionActor;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO suppression_events (installation_id, home, audit_id, action, reason, fingerprint, pattern, repo_key, until, note, actor, comment_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10, $11, $12)`,
    [
      event.key.installationId,
      event.key.home,
      event.key.auditId,
      event.action,
      event.reason,
      event.fingerprint ?? null,
      event.pattern,
      event.repoKey ?? null,
      event.until ?? null,
      event.note,
      event.by.actor,
      event.by.commentId,
    ],
  );
}
