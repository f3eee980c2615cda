import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHmacKeys } from "../../src/artifact/parse-hmac-keys.js";
import { signArtifact } from "../../src/artifact/sign-artifact.js";
import { makeArtifact, TEST_KEYS_ENV } from "../artifact/make-artifact.js";
import { runCliInMemory } from "./run-cli-in-memory.js";

let dir: string;
const env = { AUDIT_HMAC_KEYS: TEST_KEYS_ENV };
const keys = parseHmacKeys(TEST_KEYS_ENV);
if (!keys.ok) throw new Error(keys.errors.join("; "));
const [k1, k2] = keys.keys;

async function write(name: string, content: unknown): Promise<string> {
  await writeFile(path.join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return name;
}
const run = (argv: string[], environment: Record<string, string> = env, stdin?: string) =>
  runCliInMemory(argv, { cwd: dir, env: environment, ...(stdin === undefined ? {} : { stdin }) });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("audit-digest validate", () => {
  it("exits 0 for a valid unsigned artifact where no keys are configured, and says so", async () => {
    const file = await write("ok.json", makeArtifact());
    const result = await run(["validate", file], {});
    expect(result).toEqual({ code: 0, stdout: 'ok.json: valid (audit_id "org-audit-2024.05", 4 hits; unsigned)\n', stderr: "" });
  });

  it("applies the app's signature policy: with keys configured an unsigned artifact fails unless the policy says otherwise", async () => {
    const file = await write("unsigned-policy.json", makeArtifact());
    const byDefault = await run(["validate", file]);
    expect(byDefault.code).toBe(3);
    expect(byDefault.stderr).toBe('unsigned-policy.json: error: signature: signature missing, but policy "always" requires one\n');
    expect((await run(["validate", file, "--policy", "forks"])).code).toBe(0);
    const fork = await run(["validate", file, "--policy", "forks", "--fork"]);
    expect(fork.code).toBe(3);
    expect(fork.stderr).toContain('policy "forks" requires one');
    expect((await run(["validate", file, "--policy", "never", "--fork"])).code).toBe(0);
    const bad = await run(["validate", file, "--policy", "sometimes"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--policy must be one of always, forks, never");
  });

  it("exits 2 for an artifact dated more than five minutes in the future", async () => {
    const later = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const result = await run(["validate", await write("future.json", makeArtifact({ generated_at: later })), "--policy", "never"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("future.json: error: generated_at: is in the future");
    const soon = new Date(Date.now() + 60 * 1000).toISOString();
    expect((await run(["validate", await write("skew.json", makeArtifact({ generated_at: soon })), "--policy", "never"])).code).toBe(0);
  });

  it("exits 0 for a valid signed artifact with --require-hmac (signed with the second, rotated-in key)", async () => {
    const file = await write("signed.json", signArtifact(makeArtifact(), k2!));
    const result = await run(["validate", file, "--require-hmac"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('signature valid (key "k2")');
  });

  it("reads standard input for -", async () => {
    const result = await run(["validate", "-"], {}, JSON.stringify(makeArtifact()));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("(stdin): valid");
  });

  it("exits 2 for a schema error, naming the JSON path and what was expected", async () => {
    const artifact = makeArtifact();
    (artifact.org_unregistered_hits as Record<string, unknown>[])[3]!.line_number = "seven";
    const file = await write("bad.json", artifact);
    const result = await run(["validate", file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "bad.json: error: org_unregistered_hits[3].line_number: Invalid input: expected number, received string\n",
    );
  });

  it("exits 2 for invalid JSON and for too deep nesting", async () => {
    expect((await run(["validate", await write("broken.json", '{"a": [1, }')])).code).toBe(2);
    const deep = await run(["validate", await write("deep.json", "[".repeat(100_000))]);
    expect(deep.code).toBe(2);
    expect(deep.stderr).toContain("deeper than the limit max_depth (64)");
  });

  it("exits 2 for a file over 50 MB without reading it", async () => {
    const name = await write("huge.json", "");
    await truncate(path.join(dir, name), 60 * 1024 * 1024); // sparse: nothing is written
    const result = await run(["validate", name]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("huge.json: error: artifact is 62914560 bytes, more than the limit max_bytes (52428800 bytes)\n");
  });

  it("exits 3 when the signature is missing but required", async () => {
    const result = await run(["validate", await write("unsigned.json", makeArtifact()), "--require-hmac"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('unsigned.json: error: signature: signature missing, but policy "always" requires one (--require-hmac)\n');
  });

  it("exits 3 for an unknown key_id", async () => {
    const signed = signArtifact(makeArtifact(), { id: "retired", secret: new Uint8Array([9, 9, 9]) });
    const result = await run(["validate", await write("retired.json", signed)]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('signature key_id "retired" is not one of the configured keys');
  });

  it("exits 3 for a tampered artifact, without printing any secret", async () => {
    const signed = signArtifact(makeArtifact(), k1!);
    (signed.org_unregistered_hits as Record<string, unknown>[])[0]!.path = "src/other.ts";
    const result = await run(["validate", await write("tampered.json", signed)]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("tampered.json: error: signature: signature mismatch");
    const secrets = TEST_KEYS_ENV.split(",").map((entry) => entry.split(":")[1]!);
    for (const secret of secrets) expect(result.stderr + result.stdout).not.toContain(secret);
  });

  it("accepts a signed artifact without keys when not required, with a warning", async () => {
    const file = await write("signed-nokeys.json", signArtifact(makeArtifact(), k1!));
    const result = await run(["validate", file], {});
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("warning: signature: signed, but not verified: no keys are configured (AUDIT_HMAC_KEYS is not set)");
  });

  it("exits 1 for usage errors and unreadable files", async () => {
    expect((await run(["validate"])).code).toBe(1);
    const unknown = await run(["validate", "x.json", "--bogus"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
    const missing = await run(["validate", "nope.json"]);
    expect(missing).toMatchObject({ code: 1, stderr: "nope.json: error: cannot read nope.json: no such file or directory\n" });
    const badKeys = await run(["validate", await write("k.json", makeArtifact())], { AUDIT_HMAC_KEYS: "k1" });
    expect(badKeys.code).toBe(1);
    expect(badKeys.stderr).toContain("AUDIT_HMAC_KEYS entry 1 has no ':'");
  });

  it("prints a machine-readable report with --json", async () => {
    const artifact = makeArtifact({ x_note: "kept" });
    const ok = await run(["validate", await write("report.json", signArtifact(artifact, k1!)), "--json"]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe("");
    expect(JSON.parse(ok.stdout)).toEqual({
      file: "report.json",
      valid: true,
      exit_code: 0,
      errors: [],
      warnings: [{ path: "x_note", code: "unknown_field", message: "unknown field (kept and covered by the signature)" }],
      signature: { status: "valid", key_id: "k1", message: 'signature valid (key "k1")' },
      artifact: {
        audit_id: "org-audit-2024.05",
        complete: true,
        hits: 4,
        by_severity: { low: 1, medium: 1, high: 1, critical: 1 },
        by_repository: [
          { repository: "acme/api", total: 2 },
          { repository: "acme/web", total: 2 },
        ],
      },
    });

    const bad = await run(["validate", await write("bad-report.json", makeArtifact({ schema_version: "1" })), "--json"]);
    expect(bad.code).toBe(2);
    const report = JSON.parse(bad.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ valid: false, exit_code: 2, artifact: null });
    expect(report.errors).toEqual([{ path: "schema_version", code: "schema", message: "Invalid input: expected 1" }]);

    const unsigned = await run(["validate", "report.json", "--json", "--require-hmac"], {});
    expect(JSON.parse(unsigned.stdout)).toMatchObject({ exit_code: 3, signature: { status: "unknown_key", key_id: "k1" } });
  });

  it("prints help with --help and exits 0", async () => {
    const help = await run(["validate", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: audit-digest validate <file|-> [--policy always|forks|never] [--fork] [--require-hmac] [--json]");
  });
});
