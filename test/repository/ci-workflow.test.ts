import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseGithubWorkflow } from "../support/parse-github-workflow.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ciScript = readFileSync(path.join(repoRoot, ".ci/run"), "utf8");
const { errors, workflow } = parseGithubWorkflow(path.join(repoRoot, ".github/workflows/ci.yml"));
const job = workflow.jobs.test!;

/** The commands .ci/run runs to install, check, build and test (npm, Debian's Chromium and prometheus), in order. */
function ciScriptCommands(): string[] {
  return ciScript
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^npm\s/.test(line) || /^apt-get update && .*apt-get install/.test(line));
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
    expect(commands).toEqual([
      "npm ci --no-audit --no-fund",
      "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium",
      "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus",
      "npm run check",
      "npm run build",
      "npm test",
    ]);
    expect(job.steps.flatMap((step) => (step.run === undefined ? [] : [step.run.trim()]))).toEqual(commands);
  });

  it("gives the tests PostgreSQL and Redis as .ci/run does, at the service containers' names, with CI=true so a missing service fails", () => {
    const exported = ciScriptExports();
    expect(Object.keys(exported).sort()).toEqual(["TEST_DATABASE_URL", "TEST_REDIS_URL"]);
    expect(job.env?.CI).toBe("true");
    // The job runs in a container: a service is reached by its name instead of 127.0.0.1, on the same port.
    for (const [variable, service] of [["TEST_DATABASE_URL", "postgres"], ["TEST_REDIS_URL", "redis"]] as const) {
      const local = new URL(exported[variable]!);
      local.hostname = service;
      expect(job.env?.[variable], variable).toBe(local.href.replace(/\/$/, ""));
    }
  });

  it("starts PostgreSQL and Redis as service containers, healthy before the steps run, with the database the URL names", () => {
    const services = job.services ?? {};
    expect(Object.keys(services).sort()).toEqual(["postgres", "redis"]);
    expect(services.postgres?.image).toMatch(/^postgres:\d+$/);
    expect(services.postgres?.env).toMatchObject({ POSTGRES_HOST_AUTH_METHOD: "trust", POSTGRES_DB: "test" });
    expect(services.redis?.image).toMatch(/^redis:\d+$/);
    for (const service of [services.postgres, services.redis]) expect(service?.options).toContain("--health-cmd");
    const databaseUrl = new URL(job.env!.TEST_DATABASE_URL!);
    expect([databaseUrl.username, databaseUrl.pathname]).toEqual(["postgres", `/${services.postgres?.env?.POSTGRES_DB}`]);
  });

  it("runs as root in Debian's Node image of the version .nvmrc names, which the engines field accepts", () => {
    const nvmrc = readFileSync(path.join(repoRoot, ".nvmrc"), "utf8").trim();
    expect(nvmrc).toBe("20");
    expect(job.container?.image).toBe(`node:${nvmrc}-bookworm`);
    expect(job.container?.options ?? "").not.toMatch(/--user/);
    const engines = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(new RegExp(`\\^${nvmrc}\\.`));
    expect(job.steps[0]?.uses).toMatch(/^actions\/checkout@/);
  });
});
