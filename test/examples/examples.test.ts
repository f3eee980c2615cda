import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkProvenance } from "../../src/artifact/check-provenance.js";
import { ARTIFACT_FILE_NAME } from "../../src/artifact/extract-artifact-json.js";
import { fingerprintHits } from "../../src/artifact/fingerprint-hit.js";
import { parseArtifact } from "../../src/artifact/parse-artifact.js";
import { parseHmacKeys } from "../../src/artifact/parse-hmac-keys.js";
import { judgeSignature, signatureRequired } from "../../src/artifact/signature-policy.js";
import { parseRepoConfig } from "../../src/config/load-repo-config.js";
import { repoConfigSchema } from "../../src/config/repo-config-schema.js";
import { runCliInMemory } from "../cli/run-cli-in-memory.js";
import { parseGithubWorkflow } from "../support/parse-github-workflow.js";
import { runWorkflowSteps, type WorkflowRunContext } from "./run-workflow-steps.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const examples = path.join(repoRoot, "examples");
const read = (file: string): string => readFileSync(path.join(examples, file), "utf8");
const readme = read("README.md");
const artifactText = read("consumer_artifact.json");
const artifactDocument = JSON.parse(artifactText) as Record<string, unknown>;

function schemaValidator(file: string) {
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, "schema", file), "utf8")) as object);
}

/** Every property path a JSON Schema names (`digest.producers`, `suppressions[].reason`). */
function schemaPaths(schema: Record<string, unknown>, prefix = ""): string[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(properties).flatMap(([key, child]) => {
    const here = `${prefix}${key}`;
    const items = child.items as Record<string, unknown> | undefined;
    return [here, ...schemaPaths(child, `${here}.`), ...(items?.properties ? schemaPaths(items, `${here}[].`) : [])];
  });
}

/** Every property path present in a parsed YAML or JSON value. */
function valuePaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuePaths(item, `${prefix.slice(0, -1)}[].`));
  if (value === null || typeof value !== "object" || value instanceof Date) return [];
  return Object.entries(value).flatMap(([key, child]) => [`${prefix}${key}`, ...valuePaths(child, `${prefix}${key}.`)]);
}

describe("examples/consumer_artifact.json", () => {
  it("is accepted by the app's own parser, with no unknown fields", () => {
    const parsed = parseArtifact(artifactText);
    expect(parsed.ok && parsed.warnings).toEqual([]);
    expect(parsed.ok && parsed.artifact.org_unregistered_hits).toHaveLength(4);
  });

  it("is valid against the published schema, schema/consumer-artifact.v1.json", () => {
    const validate = schemaValidator("consumer-artifact.v1.json");
    expect(validate(artifactDocument), JSON.stringify(validate.errors)).toBe(true);
  });

  it("is accepted by audit-digest validate", async () => {
    const run = await runCliInMemory(["validate", "examples/consumer_artifact.json"], { cwd: repoRoot, env: {} });
    expect(run.code).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toBe('examples/consumer_artifact.json: valid (audit_id "payments-api-consumers", 4 hits; unsigned)\n');
  });

  it("has every field of the schema explained in examples/README.md", () => {
    const explained = new Set([...readme.matchAll(/^\| `([^`]+)`(?:, `([^`]+)`)? \|/gm)].flatMap((m) => [m[1]!, ...(m[2] ? [m[2]] : [])]));
    const schema = JSON.parse(readFileSync(path.join(repoRoot, "schema/consumer-artifact.v1.json"), "utf8")) as Record<string, unknown>;
    const paths = schemaPaths(schema);
    // Objects are explained through their fields (`tool.name`, `source.sha`); the signature in its own section.
    const fields = paths
      .filter((field) => !paths.some((other) => other.startsWith(`${field}.`)) && !field.startsWith("signature."))
      .map((field) => field.replace(/^org_unregistered_hits\[\]\./, ""));
    expect(fields.filter((field) => !explained.has(field))).toEqual([]);
  });

  it("signs and validates with the example key as examples/README.md shows", async () => {
    const keys = /^export AUDIT_HMAC_KEYS=(\S+)$/m.exec(readme)?.[1];
    expect(keys).toBeDefined();
    const dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-example-"));
    try {
      const env = { AUDIT_HMAC_KEYS: keys };
      const signedFile = path.join(dir, "signed.json");
      const sign = await runCliInMemory(["sign", "examples/consumer_artifact.json", "--key-id", "example", "-o", signedFile], { cwd: repoRoot, env });
      expect(sign.code).toBe(0);
      const validate = await runCliInMemory(["validate", signedFile, "--require-hmac"], { cwd: repoRoot, env });
      expect([validate.code, `${validate.stdout}${validate.stderr}`]).toEqual([0, `${signedFile}: valid (audit_id "payments-api-consumers", 4 hits; signature valid (key "example"))\n`]);
      const signed = JSON.parse(await readFile(signedFile, "utf8")) as { signature: Record<string, string> };
      expect(signed.signature).toEqual({ alg: "hmac-sha256", key_id: "example", value: expect.stringMatching(/^[0-9a-f]{64}$/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("examples/audit-digest.yml", () => {
  const config = parse(read("audit-digest.yml")) as unknown;

  it("is accepted by the app's configuration schema", () => {
    const parsed = parseRepoConfig({ source: "examples/audit-digest.yml", value: config });
    expect(parsed.ok ? [] : parsed.error.problems).toEqual([]);
  });

  it("is valid against the published schema, schema/audit-digest-config.json", () => {
    const validate = schemaValidator("audit-digest-config.json");
    // YAML reads an unquoted date as a Date; the app turns it back into YYYY-MM-DD, as here.
    const asJson = JSON.parse(JSON.stringify(config, (_key, value: unknown) => (typeof value === "string" && /^\d{4}-\d\d-\d\dT00:00:00\.000Z$/.test(value) ? value.slice(0, 10) : value))) as unknown;
    expect(validate(asJson), JSON.stringify(validate.errors)).toBe(true);
  });

  it("sets every key of the schema", () => {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, "schema/audit-digest-config.json"), "utf8")) as Record<string, unknown>;
    const present = new Set(valuePaths(config));
    expect(schemaPaths(schema).filter((key) => !present.has(key))).toEqual([]);
  });

  it("suppresses by fingerprint a finding the example artifact really has", () => {
    const parsed = parseRepoConfig({ source: "examples/audit-digest.yml", value: config });
    const artifact = parseArtifact(artifactText);
    const fingerprints = artifact.ok ? fingerprintHits(artifact.artifact.org_unregistered_hits).map((f) => f.fingerprint) : [];
    const suppressed = parsed.ok ? parsed.config.suppressions.flatMap((s) => (s.fingerprint ? [s.fingerprint] : [])) : [];
    expect(suppressed.length).toBeGreaterThan(0);
    for (const fingerprint of suppressed) expect(fingerprints).toContain(fingerprint);
  });
});

describe("examples/producer-workflow.yml", () => {
  const { errors, workflow } = parseGithubWorkflow(path.join(examples, "producer-workflow.yml"));
  const job = workflow.jobs.audit!;
  const defaultArtifactName = repoConfigSchema.parse({}).artifact.name;
  const exampleKeys = /^export AUDIT_HMAC_KEYS=(\S+)$/m.exec(readme)![1]!;
  const keys = parseHmacKeys(exampleKeys);
  const cleanup: string[] = [];
  afterAll(async () => {
    for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
  });

  it("is a valid workflow for GitHub's own parser", () => {
    expect(errors).toEqual([]);
  });

  it("uploads consumer_artifact.json alone, so it sits at the root of the zip, under the default artifact name", () => {
    const uploads = job.steps.filter((step) => step.uses?.startsWith("actions/upload-artifact@"));
    expect(uploads).toHaveLength(1);
    const upload = uploads[0]!;
    expect(upload.uses).toBe("actions/upload-artifact@v4");
    const name = String(upload.with?.name).replace(/^\$\{\{\s*env\.(\w+)\s*\}\}$/, (_m, variable: string) => workflow.env?.[variable] ?? "");
    expect(name).toBe(defaultArtifactName);
    expect(upload.with?.path).toBe(ARTIFACT_FILE_NAME);
    expect(upload.with?.["if-no-files-found"]).toBe("error");
    expect(job.steps.at(-1)).toBe(upload);
  });

  /** Runs the workflow's own steps on the example artifact, the built command line standing in for the checked-out one. */
  async function runProducer(context: WorkflowRunContext) {
    const cli = path.join(repoRoot, "dist/cli/main.js");
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm ci does) before this test`);
    const dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-producer-"));
    cleanup.push(dir);
    await copyFile(path.join(examples, "consumer_artifact.json"), path.join(dir, ARTIFACT_FILE_NAME));
    await symlink(repoRoot, path.join(dir, ".audit-digest"));
    const run = await runWorkflowSteps({
      workflow,
      job: "audit",
      cwd: dir,
      context,
      skip: ["Build the audit-digest command line", "Scan"],
    });
    const text = await readFile(path.join(dir, ARTIFACT_FILE_NAME), "utf8");
    const parsed = parseArtifact(text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return { run, parsed };
  }

  it("binds the artifact to its run and signs it so that the app accepts it for that run", async () => {
    const context: WorkflowRunContext = {
      github: { event_name: "push", repository: "acme/checkout", sha: "b".repeat(40), ref: "refs/heads/main", run_id: 9_100_200_300, event: {} },
      secrets: { AUDIT_HMAC_KEYS: exampleKeys },
      vars: { AUDIT_HMAC_KEY_ID: "example" },
    };
    const { run, parsed } = await runProducer(context);
    expect(run.ran).toEqual(["Bind the artifact to this run", "Validate", "Sign", "Validate the signed artifact as the app will"]);
    expect(parsed.artifact.source).toEqual({ repository: "acme/checkout", sha: "b".repeat(40), run_id: 9_100_200_300, ref: "refs/heads/main" });
    const origin = { repository: "acme/checkout", headSha: "b".repeat(40), runId: 9_100_200_300 };
    expect(checkProvenance({ artifact: parsed.artifact, origin, signatureRequired: true, now: new Date() })).toEqual([]);
    expect(keys.ok).toBe(true);
    const judged = judgeSignature({ document: parsed.document, keys: keys.ok ? keys.keys : [], required: true });
    expect(judged).toMatchObject({ ok: true, verified: true });
  });

  it("on a fork's pull request names the pull request's head commit and, without the secret, leaves the artifact unsigned, which the app refuses from a fork", async () => {
    const head = "c".repeat(40);
    const context: WorkflowRunContext = {
      github: {
        event_name: "pull_request",
        repository: "acme/checkout",
        sha: "d".repeat(40),
        ref: "refs/pull/7/merge",
        run_id: 9_100_200_301,
        event: { pull_request: { number: 7, head: { sha: head } } },
      },
      secrets: {},
      vars: { AUDIT_HMAC_KEY_ID: "example" },
    };
    const { run, parsed } = await runProducer(context);
    expect(run.skippedByCondition).toEqual(["Sign", "Validate the signed artifact as the app will"]);
    expect(parsed.artifact.source?.sha).toBe(head);
    expect(parsed.artifact.signature).toBeUndefined();
    const origin = { repository: "acme/checkout", headSha: head, runId: 9_100_200_301 };
    expect(checkProvenance({ artifact: parsed.artifact, origin, signatureRequired: false, now: new Date() })).toEqual([]);
    const required = signatureRequired({ policy: "forks", fromFork: true });
    expect(judgeSignature({ document: parsed.document, keys: keys.ok ? keys.keys : [], required })).toMatchObject({ ok: false });
  });
});
