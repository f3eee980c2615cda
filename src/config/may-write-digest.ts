/**
 * The one trust rule: a digest lives in its home repository, and only the home itself and the
 * repositories its configuration lists in `digest.producers` may write there. The same rule
 * says where a digest's per-repository issues may be opened. A repository outside the home's
 * account (so outside the installation) never qualifies, whatever the patterns say.
 *
 * Patterns are `owner/name` with `*` for any run of characters other than `/`; names compare
 * case-insensitively, as GitHub's do.
 */
export function mayWriteDigest({ home, producers, repository }: { home: string; producers: readonly string[]; repository: string }): boolean {
  const target = repository.toLowerCase();
  const homeName = home.toLowerCase();
  if (target === homeName) return true;
  if (ownerOf(target) !== ownerOf(homeName)) return false;
  return producers.some((pattern) => patternToRegExp(pattern).test(target));
}

function ownerOf(repository: string): string {
  return repository.slice(0, repository.indexOf("/"));
}

function patternToRegExp(pattern: string): RegExp {
  const body = pattern
    .toLowerCase()
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]*");
  return new RegExp(`^${body}$`);
}
