import { createServer } from "node:net";
import { Octokit } from "@octokit/core";
import { pino } from "pino";
import { Probot, ProbotOctokit, Server } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { testAppKey } from "../support/test-app-key.js";
import { createGitHubSimulator, type GitHubSimulator, type SimulatorServer } from "../support/github-simulator/index.js";

/** The app key the simulator knows by default (its public half). */
const { privateKey } = testAppKey;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Probot's Server treats port 0 as "use 3000", so ask the system for a free port first. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function arrange(): Promise<{ sim: GitHubSimulator; server: SimulatorServer }> {
  const sim = createGitHubSimulator({ app: { id: 321 } });
  sim.createInstallation({ id: 1, account: "acme", permissions: { issues: "write", contents: "read", actions: "read" } });
  sim.createRepository({ owner: "acme", name: "service" });
  sim.createRepository({ owner: "acme", name: ".github" });
  const server = await sim.listen();
  cleanups.push(() => server.close());
  return { sim, server };
}

describe("over HTTP", () => {
  it("answers at the root and under /api/v3, with URLs pointing back at the server", async () => {
    const { sim, server } = await arrange();
    expect(server.baseUrl).toBe(`${server.url}/api/v3`);
    expect(server.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const token = sim.createInstallationToken({ installationId: 1 });
    for (const baseUrl of [server.url, server.baseUrl]) {
      const octokit = new Octokit({ auth: token, baseUrl });
      const { data } = await octokit.request("POST /repos/{owner}/{repo}/issues", { owner: "acme", repo: "service", title: "over http" });
      expect(data.url).toBe(`${baseUrl}/repos/acme/service/issues/${data.number}`);
    }
    const run = sim.createWorkflowRun({ repo: "acme/service", headSha: "b".repeat(40), artifacts: [{ name: "a", json: { ok: true } }] });
    const zip = await new Octokit({ auth: token, baseUrl: server.baseUrl }).request("GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}", {
      owner: "acme",
      repo: "service",
      artifact_id: run.artifacts[0]!.id,
      archive_format: "zip",
    });
    expect(new Uint8Array(zip.data as ArrayBuffer).subarray(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
    expect(sim.issues("acme/service")).toHaveLength(2);
    sim.assertNoViolations();
  });

  it("serves repository config the way Probot's context.config reads it, with the org .github fallback", async () => {
    const { sim, server } = await arrange();
    const probot = new Probot({ appId: 321, privateKey, baseUrl: server.baseUrl, logLevel: "fatal" });
    const octokit = await probot.auth(1);
    expect(await octokit.config.get({ owner: "acme", repo: "service", path: ".github/audit-digest.yml" })).toMatchObject({ config: {} });
    sim.setFileContent({ repo: "acme/.github", path: ".github/audit-digest.yml", content: "mode: digest\n" });
    const fromOrg = await octokit.config.get({ owner: "acme", repo: "service", path: ".github/audit-digest.yml" });
    expect(fromOrg.config).toEqual({ mode: "digest" });
    sim.setFileContent({ repo: "acme/service", path: ".github/audit-digest.yml", content: "mode: per-repo\n" });
    const own = await octokit.rest.repos.getContent({ owner: "acme", repo: "service", path: ".github/audit-digest.yml" });
    expect(own.data).toMatchObject({ type: "file", encoding: "base64" });
    expect(Buffer.from((own.data as { content: string }).content, "base64").toString("utf8")).toBe("mode: per-repo\n");
  });

  it("carries a real signed webhook to a Probot server whose handler writes back to the simulator", async () => {
    const { sim, server } = await arrange();
    const probotServer = new Server({
      Probot: Probot.defaults({
        appId: 321,
        privateKey,
        secret: "webhook-secret",
        baseUrl: server.baseUrl,
        logLevel: "fatal",
        Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({ ...options, throttle: { ...(options.throttle as object), enabled: false } })),
      }),
      host: "127.0.0.1",
      port: await freePort(),
      log: pino({ level: "silent" }),
    });
    const handled = new Promise<void>((resolve) => {
      void probotServer.load((app) => {
        app.on("issues.opened", async (context) => {
          await context.octokit.rest.issues.createComment(context.issue({ body: "Thanks!" }));
          resolve();
        });
      });
    });
    const httpServer = await probotServer.start();
    cleanups.push(() => probotServer.stop());
    const { port } = httpServer.address() as { port: number };
    const { number } = sim.createIssue({ repo: "acme/service", title: "Help", author: "alice" });
    const status = await sim.deliverWebhook({
      url: `http://127.0.0.1:${port}/api/github/webhooks`,
      secret: "webhook-secret",
      event: "issues",
      payload: {
        action: "opened",
        issue: sim.json.issue("acme/service", number),
        repository: sim.json.repository("acme/service"),
        sender: { login: "alice", id: 1, type: "User" },
        installation: { id: 1 },
      },
    });
    expect(status).toBe(200);
    await handled;
    expect(sim.issue("acme/service", number)?.comments).toMatchObject([{ body: "Thanks!", author: "audit-digest[bot]", byApp: true }]);
    expect(sim.deliveries()).toMatchObject([{ event: "issues", statusCode: 200, redelivery: false }]);
    sim.assertNoViolations();
  });
});
