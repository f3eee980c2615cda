import { PassThrough } from "node:stream";
import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { createOctokitClass } from "../../src/github/create-octokit-class.js";
import { createLogger } from "../../src/logging/create-logger.js";
import { createGitHubSimulator } from "../support/github-simulator/index.js";
import { TEST_APP_ID, testPrivateKey } from "../support/test-config.js";

// Assembled at run time: no token-shaped literal in the repository.
const TOKEN = "ghp_" + "Lq7".repeat(12);
const ACCOUNT_KEY = "Zm9v" + "YmFy".repeat(21);
/** Plain text that only a logged body could carry. */
const BODY_TEXT = "digest-body-paragraph-that-only-the-request-holds";

async function traceLogger() {
  const out = new PassThrough();
  let written = "";
  out.on("data", (chunk: Buffer) => (written += chunk.toString()));
  const log = await createLogger({ level: "trace", format: "json" }, out);
  return { log, written: async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return written;
  } };
}

/** Probot's installation Octokit against the simulator, logging to `log` as in production. */
async function installationOctokit(log: Awaited<ReturnType<typeof traceLogger>>["log"]) {
  const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
  sim.createInstallation({ id: 1, account: "acme", permissions: { issues: "write", checks: "write", metadata: "read" } });
  sim.createRepository({ owner: "acme", name: "app" });
  const probot = new Probot({
    appId: TEST_APP_ID,
    privateKey: testPrivateKey,
    log,
    Octokit: createOctokitClass({ throttle: false }),
    request: { fetch: sim.fetch },
  });
  return { sim, octokit: await probot.auth(1) };
}

describe("GitHub request bodies in the log", () => {
  it("a trace-level log of real requests carrying secrets holds the request lines but no body and no secret", async () => {
    const { log, written } = await traceLogger();
    const { sim, octokit } = await installationOctokit(log);
    const body = `${BODY_TEXT}\n\ntoken ${TOKEN}\nAccountKey=${ACCOUNT_KEY}`;

    await octokit.rest.issues.create({ owner: "acme", repo: "app", title: `title ${TOKEN}`, body, labels: ["audit-digest"] });
    await octokit.rest.checks.create({
      owner: "acme",
      repo: "app",
      name: "Audit ingest gate",
      head_sha: "a".repeat(40),
      output: { title: "t", summary: body },
    });
    // A request GitHub refuses goes through Octokit's error path, and the error is logged.
    const refused = await octokit.rest.issues.create({ owner: "acme", repo: "missing", title: "x", body }).catch((error: unknown) => error);
    log.error({ err: refused }, "request failed");

    // The bodies did reach GitHub: the simulator holds them whole.
    expect(JSON.stringify(sim.requests.map((r) => r.requestBody))).toContain(BODY_TEXT);

    const text = await written();
    expect(text).toContain("GitHub request: POST https://api.github.com/repos/acme/app/issues - 201");
    expect(text).toContain("GitHub request: POST https://api.github.com/repos/acme/app/check-runs - 201");
    expect(text).toContain("GitHub request: POST https://api.github.com/repos/acme/missing/issues - 404");
    expect(text).toContain("request failed");
    for (const forbidden of [BODY_TEXT, TOKEN, ACCOUNT_KEY, "title "]) expect(text).not.toContain(forbidden);
  });

  it("keeps the fields of other log lines", async () => {
    const { log, written } = await traceLogger();
    log.debug({ auditId: "org-audit", issueNumber: 7 }, "digest issue filed");
    const line = JSON.parse((await written()).trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ auditId: "org-audit", issueNumber: 7, msg: "digest issue filed" });
  });
});
