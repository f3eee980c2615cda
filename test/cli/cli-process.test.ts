import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeArtifact } from "../artifact/make-artifact.js";
import { runProcessGroup } from "../support/run-process-group.js";

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
    const failure = await runProcessGroup(tsx, [path.join(repoRoot, "src/cli/main.ts"), "validate", file, "--require-hmac"], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "" },
    });
    expect(failure.code).toBe(3);
    expect(failure.stderr).toContain('signature missing, but policy "always" requires one (--require-hmac)');
  });
});
