/** Builders for artifacts used across tests. */
export function makeHit(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    repo: "acme/web",
    path: "src/config.ts",
    line_number: 12,
    pattern: "INTERNAL_API",
    snippet: "const url = INTERNAL_API + '/v1'",
    severity: "high",
    ...overrides,
  };
}

export function makeArtifact(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: 1,
    audit_id: "org-audit-2024.05",
    generated_at: "2024-05-01T12:00:00Z",
    tool: { name: "pattern-scan", version: "2.3.0" },
    source: { repository: "acme/scanner", sha: "0123456789abcdef0123456789abcdef01234567", run_id: 42 },
    org_unregistered_hits: [
      makeHit(),
      makeHit({ repo: "acme/api", path: "app/main.py", line_number: 3, severity: "critical", snippet: "KEY = 'x'" }),
      makeHit({ repo: "acme/api", path: "app/util.py", line_number: 9, severity: undefined, snippet: undefined, rule_id: "R1" }),
      makeHit({ repo: "acme/web", path: "README.md", line_number: 1, severity: "low" }),
    ],
    ...overrides,
  };
}

/** Secrets used by tests: k1 is hex, k2 is base64. */
export const TEST_KEYS_ENV = "k1:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff,k2:c2Vjb25kLWtleS1mb3ItYXVkaXQtZGlnZXN0LXRlc3Rz";
