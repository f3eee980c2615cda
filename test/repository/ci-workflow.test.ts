import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseGithubWorkflow } from "../support/parse-github-workflow.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ciScript = readFileSync(path.join(repoRoot, ".ci/run"), "utf8");
const { errors, workflow } = parseGithubWorkflow(path.join(repoRoot, ".github/workflows/ci.yml"));
const job = workflow.jobs.test!;

/** The npm commands .ci/run runs, in order. */
function ciScriptCommands(): string[] {
  return ciScript
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^npm\s/.test(line));
}

/** The variables .ci/run exports to the tests. */
function ciScriptExports(): Record<string, string> {
  return Object.fromEntries([...ciScript.matchAll(/^export (\w+)="([^"]*)"$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe("the GitHub Actions workflow (.github/workflows/ci.yml)", () => {
  it("is a valid workflow for GitHub's own parser", () => {
    expect(errors).toEqual([]);
    expect(Object.keys(workflow.jobs)).toEqual(["test"]);
  });

  it("runs the same commands as .ci/run, in the same order", () => {
    const commands = ciScriptCommands();
    expect(commands).toEqual(["npm ci --no-audit --no-fund", "npm run check", "npm run build", "npm test"]);
    expect(job.steps.flatMap((step) => (step.run === undefined ? [] : [step.run.trim()]))).toEqual(commands);
  });

  it("gives the tests the same PostgreSQL and Redis as .ci/run, with CI=true so a missing service fails", () => {
    const exported = ciScriptExports();
    expect(Object.keys(exported).sort()).toEqual(["TEST_DATABASE_URL", "TEST_REDIS_URL"]);
    expect(job.env).toMatchObject({ ...exported, CI: "true" });
  });

  it("starts PostgreSQL and Redis as service containers on the ports those URLs name, healthy before the steps run", () => {
    const services = job.services ?? {};
    expect(services.postgres?.image).toMatch(/^postgres:\d+/);
    expect(services.postgres?.ports).toEqual(["5432:5432"]);
    expect(services.postgres?.env).toMatchObject({ POSTGRES_HOST_AUTH_METHOD: "trust", POSTGRES_DB: "test" });
    expect(services.redis?.image).toMatch(/^redis:\d+/);
    expect(services.redis?.ports).toEqual(["6379:6379"]);
    for (const service of [services.postgres, services.redis]) expect(service?.options).toContain("--health-cmd");
    const exported = ciScriptExports();
    expect(new URL(exported.TEST_DATABASE_URL!).port).toBe("5432");
    expect(new URL(exported.TEST_DATABASE_URL!).pathname).toBe(`/${services.postgres?.env?.POSTGRES_DB}`);
    expect(new URL(exported.TEST_REDIS_URL!).port).toBe("6379");
  });

  it("runs on the Node version .nvmrc names, which the engines field accepts", () => {
    const setupNode = job.steps.find((step) => step.uses?.startsWith("actions/setup-node@"));
    expect(setupNode?.with).toMatchObject({ "node-version-file": ".nvmrc" });
    const nvmrc = readFileSync(path.join(repoRoot, ".nvmrc"), "utf8").trim();
    expect(nvmrc).toBe("20");
    const engines = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(new RegExp(`\\^${nvmrc}\\.`));
    expect(job.steps[0]?.uses).toMatch(/^actions\/checkout@/);
  });
});
