import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { DEFAULT_ARTIFACT_LIMITS } from "../../src/artifact/artifact-limits.js";
import { artifactLimitsFromConfig, parseRepoConfig, RepoConfigError } from "../../src/config/load-repo-config.js";

const source = "acme/.github:.github/audit-digest.yml";

describe("parseRepoConfig", () => {
  it("gives every default for an empty file", () => {
    for (const value of [undefined, null, {}]) {
      const result = parseRepoConfig({ source, value });
      expect(result).toEqual({
        ok: true,
        config: {
          // require_signature unset: the app resolves it (always once keys are configured, else forks).
          artifact: { name: "consumer-artifact" },
          limits: {},
          digest: { labels: ["audit-digest"], title: "Audit digest: {audit_id}", producers: [] },
          issues: { mode: "digest", max_new_per_run: 20 },
          rate: { digest_only_below: 500 },
          fallback: { ttl_days: 7 },
          suppressions: [],
        },
      });
    }
  });

  it("keeps fallback records 1 to 365 days, and names the field otherwise", () => {
    expect(parseRepoConfig({ source, value: { fallback: { ttl_days: 30 } } })).toMatchObject({ ok: true, config: { fallback: { ttl_days: 30 } } });
    for (const ttl of [0, 366, 1.5, "7"]) {
      const result = parseRepoConfig({ source, value: { fallback: { ttl_days: ttl } } });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toContain("fallback.ttl_days");
    }
  });

  it("reads a full config from YAML", () => {
    const value = parseYaml(`
artifact:
  name: scan-results
  require_signature: always
limits:
  max_bytes: 1048576
  max_hits: 5000
digest:
  repository: acme/security
  labels: [audit, security]
  title: "Findings for {audit_id}"
issues:
  mode: per-repo
  max_new_per_run: 5
rate:
  digest_only_below: 1000
suppressions:
  - repo: acme/legacy
    reason: archived soon
    until: 2030-01-01
  - fingerprint: ${"a".repeat(64)}
    reason: false positive
`);
    const result = parseRepoConfig({ source, value });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.artifact).toEqual({ name: "scan-results", require_signature: "always" });
    expect(result.config.issues).toEqual({ mode: "per-repo", max_new_per_run: 5 });
    expect(result.config.suppressions[0]).toEqual({ repo: "acme/legacy", reason: "archived soon", until: "2030-01-01" });
    expect(artifactLimitsFromConfig(result.config)).toEqual({ ...DEFAULT_ARTIFACT_LIMITS, maxBytes: 1_048_576, maxHits: 5_000 });
  });

  it("accepts dates that a YAML loader turned into Date objects", () => {
    const result = parseRepoConfig({ source, value: { suppressions: [{ path: "a", reason: "r", until: new Date("2030-01-01") }] } });
    expect(result.ok && result.config.suppressions[0]!.until).toBe("2030-01-01");
  });

  it("names the file and every bad field, and keeps the zod cause", () => {
    const result = parseRepoConfig({
      source,
      value: {
        artifact: { require_signature: "sometimes", nmae: "x" },
        limits: { max_bytes: 10, max_depth: 100_000 },
        issues: { max_new_per_run: "many" },
        suppressions: [{ reason: "no matcher" }, { repo: "acme/x" }],
        colour: "blue",
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const { error } = result;
    expect(error).toBeInstanceOf(RepoConfigError);
    expect(error.source).toBe(source);
    expect(error.message.split("\n")[0]).toBe(`invalid audit-digest config in ${source}:`);
    expect(error.problems.map((p) => p.path).sort()).toEqual(
      [
        "artifact.nmae",
        "artifact.require_signature",
        "colour",
        "issues.max_new_per_run",
        "limits.max_bytes",
        "limits.max_depth",
        "suppressions[0]",
        "suppressions[1].reason",
      ].sort(),
    );
    expect(error.message).toContain("  colour: unknown option");
    expect(error.message).toContain("  limits.max_bytes: Too small: expected number to be >=1024");
    expect(error.message).toContain("  suppressions[0]: a suppression needs at least one of fingerprint, repo, path or pattern");
    expect(error.cause).toBeDefined();
    expect((error.cause as { issues: unknown[] }).issues.length).toBeGreaterThan(0);
  });

  it("refuses a file that is not a mapping", () => {
    const result = parseRepoConfig({ source, value: ["a"] });
    expect(!result.ok && result.error.message).toBe(`invalid audit-digest config in ${source}:\n  (file): expected a mapping of options at the top level`);
  });
});
