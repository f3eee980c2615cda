import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatWorkflowCommand } from "../../src/cli/action/format-workflow-command.js";
import { artifactFixture, hit } from "../support/artifact-fixtures.js";
import { runProcessGroup } from "../support/run-process-group.js";
import { runCliInMemory } from "./run-cli-in-memory.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The committed entry point action.yml runs: what a workflow using the action executes. */
const entry = path.join(repoRoot, "action/index.mjs");
const secret = randomBytes(32).toString("hex");

let workspace: string;
let runnerTemp: string;
let outputFile: string;

beforeEach(async () => {
  workspace = await mkdtemp(path.join(os.tmpdir(), "audit-digest-action-ws-"));
  runnerTemp = await mkdtemp(path.join(os.tmpdir(), "audit-digest-action-tmp-"));
  outputFile = path.join(runnerTemp, "github_output");
  await writeFile(outputFile, "");
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
  await rm(runnerTemp, { recursive: true, force: true });
});

interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** Runs the action's step as the runner does: inputs as INPUT_* variables, in the workspace. */
async function runStep(inputs: Record<string, string>): Promise<StepRun> {
  const env = {
    PATH: process.env.PATH ?? "",
    RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_WORKSPACE: workspace,
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name}`, value])),
  };
  const { code, stdout, stderr } = await runProcessGroup(process.execPath, [entry], { cwd: workspace, env });
  return { code, stdout, stderr, outputs: parseOutputs(await readFile(outputFile, "utf8")) };
}

/** Reads GITHUB_OUTPUT's `name<<delimiter` blocks as the runner does. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const end = lines.indexOf(match[2]!, i + 1);
    outputs[match[1]!] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return outputs;
}

const writeArtifact = (name: string, document: Record<string, unknown>) => writeFile(path.join(workspace, name), JSON.stringify(document, null, 2));

describe("the action's entry point", () => {
  it("signs a valid artifact and leaves it as consumer_artifact.json alone in a fresh folder, with its outputs", async () => {
    await writeArtifact("report.json", artifactFixture());

    const step = await runStep({ PATH: "report.json", KEY_ID: "producer-1", SIGNING_KEY: secret });

    expect(step.code).toBe(0);
    expect(step.stdout).toContain('report.json: valid (audit_id "org-audit", 3 hits; signature valid (key "producer-1"))');
    expect(step.stdout).not.toContain("::error");
    expect(step.outputs).toMatchObject({ "audit-id": "org-audit", hits: "3", signature: "valid" });
    const uploaded = step.outputs.path!;
    expect(path.basename(uploaded)).toBe("consumer_artifact.json");
    expect(path.dirname(path.dirname(uploaded))).toBe(runnerTemp);
    expect(await readdir(path.dirname(uploaded))).toEqual(["consumer_artifact.json"]);
    // The app, holding the same key, accepts what will be uploaded, with a signature required.
    const asTheApp = await runCliInMemory(["validate", uploaded, "--require-hmac"], { cwd: workspace, env: { AUDIT_HMAC_KEYS: `producer-1:${secret}` } });
    expect(asTheApp).toMatchObject({ code: 0 });
    expect(`${step.stdout}${step.stderr}${await readFile(outputFile, "utf8")}`).not.toContain(secret);
  });

  it("fails an invalid artifact with an annotation on the file naming each field, and readies nothing", async () => {
    const broken = artifactFixture({ org_unregistered_hits: [{ ...hit({ repo: "acme/app", path: "a.ts", line_number: 1, pattern: "p" }), line_number: "one" }] });
    delete broken.audit_id;
    await writeArtifact("consumer_artifact.json", broken);

    const step = await runStep({ KEY_ID: "producer-1", SIGNING_KEY: secret });

    expect(step.code).toBe(2);
    expect(step.stdout).toContain("::error file=consumer_artifact.json,title=audit_id::audit_id: required field is missing");
    expect(step.stdout).toMatch(/^::error file=consumer_artifact\.json,title=org_unregistered_hits\[0\]\.line_number::org_unregistered_hits\[0\]\.line_number: .*expected number/m);
    expect(step.outputs).toEqual({});
    expect(await readdir(runnerTemp)).toEqual(["github_output"]);
  });

  it("uploads an artifact unsigned when given no key, unless the signature policy requires one", async () => {
    await writeArtifact("consumer_artifact.json", artifactFixture());

    const unsigned = await runStep({});
    expect(unsigned.code).toBe(0);
    expect(unsigned.outputs).toMatchObject({ signature: "missing" });
    expect(JSON.parse(await readFile(unsigned.outputs.path!, "utf8"))).toEqual(artifactFixture());

    await writeFile(outputFile, "");
    const required = await runStep({ REQUIRE_SIGNATURE: "always" });
    expect(required.code).toBe(3);
    expect(required.stdout).toContain('::error file=consumer_artifact.json,title=signature::signature: signature missing, but policy "always" requires one');
    expect(required.outputs).toEqual({});
  });

  it("names the input to fix: a key id without its secret (as on a fork's run), a bad secret, an unknown policy, a missing file", async () => {
    await writeArtifact("consumer_artifact.json", artifactFixture());

    const noSecret = await runStep({ KEY_ID: "producer-1", SIGNING_KEY: "" });
    expect(noSecret.code).toBe(1);
    expect(noSecret.stdout).toMatch(/^::error title=audit-digest::input signing-key is empty while key-id is set/m);

    const shortSecret = await runStep({ KEY_ID: "producer-1", SIGNING_KEY: "abcd" });
    expect(shortSecret.code).toBe(1);
    expect(shortSecret.stdout).toContain("inputs key-id and signing-key do not make a usable key");
    expect(shortSecret.stdout).toContain("at least 32 are required");

    const policy = await runStep({ REQUIRE_SIGNATURE: "sometimes" });
    expect(policy.code).toBe(1);
    expect(policy.stdout).toContain("input require-signature must be one of always, forks, never");

    const missing = await runStep({ PATH: "out/none.json" });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain("::error file=out/none.json,title=audit-digest::cannot read out/none.json: no such file or directory");
    expect(await readdir(runnerTemp)).toEqual(["github_output"]);
  });
});

describe("workflow commands", () => {
  it("keep a message on one line and its properties unbroken, so it cannot start another command", () => {
    const line = formatWorkflowCommand({
      command: "error",
      properties: { file: "a,b:c.json", title: "x" },
      message: "first\n::warning::injected 100%",
    });
    expect(line).toBe("::error file=a%2Cb%3Ac.json,title=x::first%0A::warning::injected 100%25\n");
  });
});
