import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeArtifact } from "../artifact/make-artifact.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-proc-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the audit-digest process", () => {
  it("sets the process exit code", async () => {
    const file = path.join(dir, "unsigned.json");
    await writeFile(file, JSON.stringify(makeArtifact()));
    const failure = await promisify(execFile)(tsx, [path.join(repoRoot, "src/cli/main.ts"), "validate", file, "--require-hmac"], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "" },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(failure.code).toBe(3);
    expect(failure.stderr).toContain('signature missing, but policy "always" requires one (--require-hmac)');
  });
});
