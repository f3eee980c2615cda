import type { Queryable } from "../db/database.js";
import { loadDigestRecord, type DigestKey } from "../digest/digest-store.js";
import { describeFallback } from "../fallback/describe-fallback.js";
import { listPendingFallbacksOfAudit } from "../fallback/fallback-store.js";
import { formatCount } from "../markdown/format-count.js";
import { codeSpan } from "../markdown/markdown-code.js";
import { neutralizeMentions } from "../markdown/neutralize-mentions.js";
import type { CommandTarget } from "./find-command-target.js";

interface IngestRow {
  repository: string;
  run_id: string;
  head_sha: string;
  verdict: string;
  hit_count: number;
  ingested_at: Date | string;
}

/**
 * The `/audit status` reply, from what the database holds: the last ingest (time, run link,
 * verdict, findings), the latest scan applied to the digest (its `generated_at`) and since which
 * scan its findings are unchanged (the digest body shows only that one), the digest's open, new and suppressed counts with its dismissals and
 * mutes, the audit's pending fallback records (findings kept because no digest could be filed,
 * what to do about it), and the installation's work that waits (deferred) or gave up
 * (dead-lettered).
 */
export async function describeStatus({
  db,
  target,
  installationId,
  web,
}: {
  db: Queryable;
  target: CommandTarget;
  installationId: number;
  web: { webHost: string; webProtocol: string };
}): Promise<string> {
  const digest = target.kind === "pull-request" ? target.statusDigest : target.digest;
  const auditId = target.kind === "pull-request" ? target.auditId : target.digest.auditId;
  const lines: string[] = [];
  lines.push(auditId === null ? "**Audit status**" : `**Audit status** for ${codeSpan(auditId)}`, "");

  const ingest = target.kind === "pull-request" ? await lastIngestForSha(db, installationId, target.headSha) : auditId === null ? undefined : await lastIngestForAudit(db, installationId, auditId);
  if (ingest) {
    const runUrl = `${web.webProtocol}://${web.webHost}/${ingest.repository}/actions/runs/${ingest.run_id}`;
    lines.push(
      `- Last ingest: ${new Date(ingest.ingested_at).toISOString()}, [run ${ingest.run_id}](${runUrl}) of ${codeSpan(ingest.repository)} at ${codeSpan(ingest.head_sha.slice(0, 12))}: verdict ${codeSpan(ingest.verdict)}, ${formatCount(ingest.hit_count)} findings reported`,
    );
  } else {
    lines.push(target.kind === "pull-request" ? `- No run of commit ${codeSpan(target.headSha.slice(0, 12))} has been ingested yet.` : "- No ingest recorded.");
  }
  if (digest) {
    const counts = await findingCounts(db, digest);
    const record = await loadDigestRecord(db, digest);
    if (record) {
      const since = record.findingsSince;
      lines.push(
        `- Latest scan: generated at ${codeSpan(record.lastGeneratedAt)}${since === undefined ? "" : `; findings unchanged since the scan generated at ${codeSpan(since)}`}`,
      );
    }
    lines.push(
      `- Findings: ${formatCount(counts.open)} open, ${formatCount(counts.suppressed)} suppressed, ${formatCount(counts.resolved)} resolved`,
      `- Dismissed by command: ${formatCount(counts.dismissed)}; muted patterns: ${formatCount(counts.muted)}`,
    );
  } else {
    lines.push("- No digest recorded for this audit.");
  }
  if (auditId !== null) lines.push(...(await fallbackLines(db, installationId, auditId)));
  const work = await waitingWork(db, installationId);
  lines.push(`- Work of this installation: ${formatCount(work.deferred)} waiting or deferred, ${formatCount(work.dead)} dead-lettered`);
  return lines.join("\n");
}

/** Pending fallback records listed in full; there is at most one per home. */
const FALLBACKS_LISTED = 10;

async function fallbackLines(db: Queryable, installationId: number, auditId: string): Promise<string[]> {
  const records = await listPendingFallbacksOfAudit(db, { installationId, auditId });
  if (records.length === 0) return ["- Pending fallback records: none"];
  const rest = records.length - FALLBACKS_LISTED;
  return [
    `- Pending fallback records: ${formatCount(records.length)} (no digest could be filed; the findings wait, redacted)`,
    ...records
      .slice(0, FALLBACKS_LISTED)
      .map((record) => `  - for ${codeSpan(record.home)}, commit ${codeSpan(record.headSha.slice(0, 12))}: ${neutralizeMentions(describeFallback(record))}`),
    ...(rest > 0 ? [`  - … and ${formatCount(rest)} more (\`audit-digest fallback list\`)`] : []),
  ];
}

async function lastIngestForAudit(db: Queryable, installationId: number, auditId: string): Promise<IngestRow | undefined> {
  const { rows } = await db.query<IngestRow>(
    `SELECT repository, run_id::text, head_sha, verdict, hit_count, ingested_at FROM ingests
     WHERE installation_id = $1 AND audit_id = $2 ORDER BY ingested_at DESC, id DESC LIMIT 1`,
    [installationId, auditId],
  );
  return rows[0];
}

async function lastIngestForSha(db: Queryable, installationId: number, headSha: string): Promise<IngestRow | undefined> {
  const { rows } = await db.query<IngestRow>(
    `SELECT repository, run_id::text, head_sha, verdict, hit_count, ingested_at FROM ingests
     WHERE installation_id = $1 AND head_sha = $2 ORDER BY ingested_at DESC, id DESC LIMIT 1`,
    [installationId, headSha],
  );
  return rows[0];
}

async function findingCounts(db: Queryable, key: DigestKey): Promise<{ open: number; suppressed: number; resolved: number; dismissed: number; muted: number }> {
  const scope = [key.installationId, key.home, key.auditId];
  const { rows } = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM digest_findings WHERE installation_id = $1 AND home = $2 AND audit_id = $3 GROUP BY status`,
    scope,
  );
  const of = (status: string): number => rows.find((row) => row.status === status)?.n ?? 0;
  const dismissed = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM digest_dismissals WHERE installation_id = $1 AND home = $2 AND audit_id = $3",
    scope,
  );
  const muted = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM digest_mutes WHERE installation_id = $1 AND home = $2 AND audit_id = $3", scope);
  return { open: of("open"), suppressed: of("suppressed"), resolved: of("resolved"), dismissed: dismissed.rows[0]?.n ?? 0, muted: muted.rows[0]?.n ?? 0 };
}

/** Jobs of the installation not yet done: waiting or deferred, and dead-lettered. */
async function waitingWork(db: Queryable, installationId: number): Promise<{ deferred: number; dead: number }> {
  const { rows } = await db.query<{ deferred: number; dead: number }>(
    `SELECT count(*) FILTER (WHERE name <> 'dead-letter' AND state IN ('created', 'retry'))::int AS deferred,
            count(*) FILTER (WHERE name = 'dead-letter' AND state IN ('created', 'retry', 'active'))::int AS dead
     FROM pgboss.job WHERE data->>'installationId' = $1`,
    [String(installationId)],
  );
  return { deferred: rows[0]?.deferred ?? 0, dead: rows[0]?.dead ?? 0 };
}
