import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactFixture } from "../support/artifact-fixtures.js";
import { runProcessGroup, type ProcessRun } from "../support/run-process-group.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

type Run = ProcessRun;

/** Runs a program in a process group of its own (ended with it); an exit code other than 0 is a result, not an error. */
function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  return runProcessGroup(file, args, options);
}

/** The environment without what an enclosing `npm test` sets for its own package (npm_config_*, npm_package_*). */
const cleanEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")));

let packDir: string;
let installDir: string;
let packedFiles: string[];
let cli: (args: string[]) => Promise<Run>;

beforeAll(async () => {
  packDir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-pack-"));
  installDir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-install-"));
  // As a release would: `npm pack` builds dist/ (prepare) and makes the tarball.
  const pack = await run("npm", ["pack", "--pack-destination", packDir, "--json"], { cwd: repoRoot, env: cleanEnv });
  expect(pack.code, pack.stderr).toBe(0);
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  packedFiles = packed!.files.map((file) => file.path);
  // An empty directory with no repository around: the tarball and its dependencies from the registry.
  const install = await run("npm", ["install", path.join(packDir, packed!.filename), "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: installDir,
    env: cleanEnv,
  });
  expect(install.code, install.stderr).toBe(0);
  cli = (args) => run(path.join(installDir, "node_modules/.bin/audit-digest"), args, { cwd: installDir, env: { PATH: process.env.PATH ?? "" } });
}, 240_000);

afterAll(async () => {
  await rm(packDir, { recursive: true, force: true });
  await rm(installDir, { recursive: true, force: true });
});

describe("the packed audit-digest command line", () => {
  it("holds what the command line and the app run, and no tests, sources, source maps or secrets", () => {
    expect(packedFiles).toContain("bin/audit-digest.js");
    expect(packedFiles).toContain("dist/cli/main.js");
    expect(packedFiles).toContain("dist/main.js");
    expect(packedFiles).toContain("schema/consumer-artifact.v1.json");
    const outside = packedFiles.filter((file) => !/^(bin|dist|schema)\//.test(file) && !["app.yml", "package.json", "README.md", "LICENSE"].includes(file));
    expect(outside).toEqual([]);
    expect(packedFiles.filter((file) => /(^|\/)(test|src)\/|\.test\.|\.map$|\.ts$|\.env|\.pem$/.test(file))).toEqual([]);
  });

  it("validates a valid artifact in an empty directory: exit 0", async () => {
    await writeFile(path.join(installDir, "consumer_artifact.json"), JSON.stringify(artifactFixture(), null, 2));
    const result = await cli(["validate", "consumer_artifact.json"]);
    expect(result).toEqual({ code: 0, stdout: 'consumer_artifact.json: valid (audit_id "org-audit", 3 hits; unsigned)\n', stderr: "" });
  });

  it("fails a broken artifact with exit 2, naming the field", async () => {
    await writeFile(path.join(installDir, "broken.json"), JSON.stringify(artifactFixture({ schema_version: 2 })));
    const result = await cli(["validate", "broken.json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^broken\.json: error: schema_version: /m);
  });

  it("prints the package's version with --version and -v", async () => {
    const { version } = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect(await cli(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    expect(await cli(["-v"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("validates and signs without the database packages, which only the database commands load", async () => {
    for (const name of ["pg", "pg-boss", "@electric-sql/pglite"]) {
      await rm(path.join(installDir, "node_modules", name), { recursive: true, force: true });
    }
    expect(await cli(["validate", "consumer_artifact.json"])).toMatchObject({ code: 0 });
    const key = `k1:${"ab".repeat(32)}`;
    const signed = await run(path.join(installDir, "node_modules/.bin/audit-digest"), ["sign", "consumer_artifact.json", "--key-id", "k1"], {
      cwd: installDir,
      env: { PATH: process.env.PATH ?? "", AUDIT_HMAC_KEYS: key },
    });
    expect(signed.code, signed.stderr).toBe(0);
    expect(JSON.parse(signed.stdout)).toMatchObject({ signature: { key_id: "k1" } });
  });
});
