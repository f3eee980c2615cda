import { formatCount } from "../markdown/format-count.js";

/** Repositories named in a notice before the rest are only counted. */
const NAMED_MAX = 10;

/**
 * The notices the digest shows about per-repository issues it did not file or update. They go
 * through the digest's notice handling (scrubbed, one line, bounded).
 */
export function stormBreakerNotice({ wouldCreate, limit }: { wouldCreate: number; limit: number }): string {
  return (
    `Storm breaker: ${formatCount(wouldCreate)} repositories would have got a new issue ` +
    `(limit issues.max_new_per_run = ${formatCount(limit)}); only this digest was filed and updated, ` +
    `per-repository issues stay as they were until an ingest needs fewer new ones.`
  );
}

export function blockedNotice(reason: string): string {
  return `Per-repository issues were not filed or updated: ${reason}`;
}

export function skippedReposNotice(skipped: readonly { repo: string; reason: string }[]): string | undefined {
  if (skipped.length === 0) return undefined;
  const sorted = [...skipped].sort((a, b) => (a.repo < b.repo ? -1 : a.repo > b.repo ? 1 : 0));
  const named = sorted.slice(0, NAMED_MAX).map(({ repo, reason }) => `\`${repo}\` (${reason})`);
  const rest = skipped.length - named.length;
  const count = skipped.length === 1 ? "1 repository" : `${formatCount(skipped.length)} repositories`;
  return `No per-repository issue for ${count}: ${named.join(", ")}${rest > 0 ? ` and ${formatCount(rest)} more` : ""}.`;
}
