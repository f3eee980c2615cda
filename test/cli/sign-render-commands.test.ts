import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeArtifact, TEST_KEYS_ENV } from "../artifact/make-artifact.js";
import { runCliInMemory } from "./run-cli-in-memory.js";

let dir: string;
const env = { AUDIT_HMAC_KEYS: TEST_KEYS_ENV };
const run = (argv: string[], environment: Record<string, string> = env) => runCliInMemory(argv, { cwd: dir, env: environment });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-cli-"));
  // Unusual key order and whitespace: the signature must not depend on them.
  const artifact = makeArtifact({ x_extra: { b: 1, a: [1, 2] } });
  const reordered = Object.fromEntries(Object.entries(artifact).reverse());
  await writeFile(path.join(dir, "artifact.json"), JSON.stringify(reordered, null, "\t") + "\n\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("audit-digest sign", () => {
  it("signs, then validate --require-hmac accepts the result", async () => {
    const signed = await run(["sign", "artifact.json", "--key-id", "k2", "-o", "signed.json"]);
    expect(signed).toEqual({ code: 0, stdout: "", stderr: 'artifact.json: signed with key "k2", written to signed.json\n' });
    const document = JSON.parse(await readFile(path.join(dir, "signed.json"), "utf8")) as Record<string, unknown>;
    expect(document.signature).toMatchObject({ alg: "hmac-sha256", key_id: "k2" });
    expect(document.x_extra).toEqual({ b: 1, a: [1, 2] });

    const validated = await run(["validate", "signed.json", "--require-hmac"]);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('signature valid (key "k2")');

    // Re-signing replaces the signature; it still validates.
    const again = await run(["sign", "signed.json", "--key-id", "k1"]);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as { signature: { key_id: string } }).signature.key_id).toBe("k1");
  });

  it("refuses an unknown key id, listing the known ids but no secret", async () => {
    const result = await run(["sign", "artifact.json", "--key-id", "k9"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: 'audit-digest sign: key id "k9" is not in AUDIT_HMAC_KEYS (known key ids: k1, k2)\n',
    });
  });

  it("refuses to sign an invalid artifact (exit 2) and needs --key-id (exit 1)", async () => {
    await writeFile(path.join(dir, "invalid.json"), JSON.stringify(makeArtifact({ audit_id: "" })));
    const invalid = await run(["sign", "invalid.json", "--key-id", "k1"]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain("invalid.json: error: audit_id:");
    expect((await run(["sign", "artifact.json"])).code).toBe(1);
    expect((await run(["sign", "--help"])).stdout).toContain("usage: audit-digest sign");
  });
});

describe("audit-digest render", () => {
  it("prints the default title, then the digest body with its marker, totals and table", async () => {
    const result = await run(["render", "artifact.json"]);
    expect(result.code).toBe(0);
    const [title, blank, ...body] = result.stdout.split("\n");
    expect([title, blank]).toEqual(["Audit digest: org-audit-2024.05", ""]);
    expect(body[0]).toBe("<!-- audit-digest:v1 audit_id=org-audit-2024.05 -->");
    const text = body.join("\n");
    expect(text).toMatch(/acme\/api/);
    expect(text).toMatch(/acme\/web/);
    expect(text).toContain("org-audit-2024.05");
    expect(text.length).toBeLessThanOrEqual(60_000);
  });

  it("uses the config's title template and limits", async () => {
    await writeFile(path.join(dir, "audit-digest.yml"), 'digest:\n  title: "Findings {audit_id}"\nlimits:\n  max_hits: 3\n');
    const result = await run(["render", "artifact.json", "--config", "audit-digest.yml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("4 hits, more than the limit max_hits (3)");
    await writeFile(path.join(dir, "audit-digest.yml"), 'digest:\n  title: "Findings {audit_id}"\n');
    const ok = await run(["render", "artifact.json", "--config", "audit-digest.yml"]);
    expect(ok.stdout.split("\n")[0]).toBe("Findings org-audit-2024.05");
  });

  it("exits 1 for a bad config, naming the file and field", async () => {
    await writeFile(path.join(dir, "bad.yml"), "issues:\n  mode: sometimes\n");
    const result = await run(["render", "artifact.json", "--config", "bad.yml"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("invalid audit-digest config in bad.yml:\n  issues.mode:");
  });
});

describe("audit-digest", () => {
  it("lists commands with --help and refuses unknown commands", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/validate .*\n {2}sign .*\n {2}render /);
    const unknown = await run(["frobnicate"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect((await run([])).code).toBe(1);
  });
});
