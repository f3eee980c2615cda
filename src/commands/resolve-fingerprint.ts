import type { Queryable } from "../db/database.js";
import type { DigestKey } from "../digest/digest-store.js";
import { codeSpan } from "../markdown/markdown-code.js";

export interface NamedFinding {
  fingerprint: string;
  repo: string;
  path: string;
  pattern: string;
  status: string;
}

export type ResolvedFingerprint = { ok: true; finding: NamedFinding } | { ok: false; problem: string };

/**
 * The finding of a digest a (short) fingerprint names. A prefix that matches none, or more than
 * one, is refused; the refusal lists the findings it matches. `repo` limits the search to the
 * findings of one repository (a per-repository issue speaks for its repository only).
 */
export async function resolveFingerprint({
  db,
  key,
  prefix,
  repo,
}: {
  db: Queryable;
  key: DigestKey;
  /** Lower-case hex, validated by the command grammar. */
  prefix: string;
  repo?: string;
}): Promise<ResolvedFingerprint> {
  const { rows } = await db.query<{ fingerprint: string; status: string; hit: { repo: string; path: string; pattern: string } }>(
    `SELECT fingerprint, status, hit FROM digest_findings
     WHERE installation_id = $1 AND home = $2 AND audit_id = $3 AND left(fingerprint, $4) = $5
       AND ($6::text IS NULL OR lower(hit->>'repo') = lower($6))
     ORDER BY fingerprint LIMIT 5`,
    [key.installationId, key.home, key.auditId, prefix.length, prefix, repo ?? null],
  );
  const found = rows.map((row) => ({ fingerprint: row.fingerprint, status: row.status, repo: row.hit.repo, path: row.hit.path, pattern: row.hit.pattern }));
  const [first] = found;
  if (first === undefined) {
    return { ok: false, problem: `no finding of this digest${repo ? ` in ${codeSpan(repo)}` : ""} has a fingerprint starting with ${codeSpan(prefix)}` };
  }
  if (found.length > 1) {
    const listed = found.map((f) => `- ${codeSpan(f.fingerprint.slice(0, 16))} · ${codeSpan(f.repo)} · ${codeSpan(f.path)} · ${codeSpan(f.pattern)}`).join("\n");
    return { ok: false, problem: `${codeSpan(prefix)} matches more than one finding; give more characters of the one you mean:\n\n${listed}` };
  }
  return { ok: true, finding: first };
}
