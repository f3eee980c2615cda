import { hit, type HitFixture } from "../test/support/artifact-fixtures.js";

const SEVERITIES = ["low", "medium", "high", "critical"] as const;

/**
 * `count` schema-valid hits shaped like a real scan: spread over 50 repositories, about a
 * hundred folders and 13 patterns, mixed severities. One hit in ten is in `ownRepo` (the
 * repository whose run produced the artifact, so it becomes a check run annotation), and some
 * snippets hold a mention, an issue reference or a token, so scrubbing and escaping do work.
 */
export function makeHits(count: number, { ownRepo = "acme/app" }: { ownRepo?: string } = {}): HitFixture[] {
  return Array.from({ length: count }, (_, i) => {
    const pattern = `pattern-${i % 13}`;
    const snippet =
      i % 17 === 0
        ? `client.use("${pattern}") // ask @owner-${i % 7} about #${i % 300}`
        : i % 29 === 0
          ? `const token = "ghp_${"x".repeat(36)}"; use(${pattern})`
          : `import { handler } from "${pattern}/v${i % 4}"; handler(${i});`;
    return hit({
      repo: i % 10 === 0 ? ownRepo : `acme/r${i % 50}`,
      path: `src/dir${i % 97}/file${i}.ts`,
      line_number: (i % 500) + 1,
      pattern,
      severity: SEVERITIES[i % SEVERITIES.length]!,
      snippet,
    });
  });
}
