import { spawn, type ChildProcessByStdio } from "node:child_process";
import { randomInt } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Readable, Writable } from "node:stream";
import { Redis } from "ioredis";
import { pino } from "pino";
import { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createOctokitClass } from "../../src/github/create-octokit-class.js";
import { createGitHubSimulator } from "../support/github-simulator/index.js";
import { TEST_APP_ID, testPrivateKey } from "../support/test-config.js";
import { testRedis } from "../support/test-database.js";

const REPLICA = fileURLToPath(new URL("./write-as-replica.ts", import.meta.url));
/** plugin-throttling's spacing of one installation's writes (its `write` limiter's minTime). */
const WRITE_SPACING_MS = 1_000;
/**
 * A write is timed by the simulator when it arrives, a little after the limiter let it go; on
 * a busy machine one write may arrive late and the next on time. This much of the spacing is
 * allowed for that; two replicas pacing on their own send writes a few milliseconds apart.
 */
const ARRIVAL_JITTER_MS = 250;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** An installation id no other run on the same Redis uses, so no earlier limiter state is shared. */
const freshInstallationId = () => randomInt(1_000_000, 2_000_000_000);

type Replica = ChildProcessByStdio<Writable, Readable, null>;

/** Starts one replica process; resolves once it holds its installation token and waits for "go". */
async function startReplica(env: Record<string, string>): Promise<{ child: Replica; done: Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", REPLICA], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "inherit"],
    detached: true,
  });
  cleanups.push(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const seen = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes(word)) resolve();
      };
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        check();
      });
      check();
      void exited.then((code) => {
        if (!out.includes(word)) reject(new Error(`replica exited (${code}) before "${word}": ${out}`));
      });
    });
  await seen("ready");
  const done = seen("done").then(async () => {
    expect(await exited).toBe(0);
  });
  return { child, done };
}

describe.runIf(testRedis.runs)("GitHub request throttling shared through Redis (REDIS_URL)", () => {
  it("two replicas writing for one installation are paced together, as one process would be", async () => {
    const redisUrl = testRedis.require();
    const installationId = freshInstallationId();
    const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
    const github = await sim.listen();
    cleanups.push(() => sim.close());
    sim.createInstallation({ id: installationId, account: "acme", permissions: { issues: "write", metadata: "read" } });
    sim.createRepository({ owner: "acme", name: "app" });
    const issues = Array.from({ length: 6 }, (_, i) => sim.createIssue({ repo: "acme/app", title: `issue ${i + 1}` }).number);

    const env = { GITHUB_API_URL: github.baseUrl, REDIS_URL: redisUrl, APP_ID: String(TEST_APP_ID), PRIVATE_KEY: testPrivateKey, INSTALLATION_ID: String(installationId), REPOSITORY: "acme/app" };
    const replicas = await Promise.all([
      startReplica({ ...env, ISSUE_NUMBERS: issues.slice(0, 3).join(",") }),
      startReplica({ ...env, ISSUE_NUMBERS: issues.slice(3).join(",") }),
    ]);
    sim.resetLog();
    for (const { child } of replicas) child.stdin.write("go\n");
    await Promise.all(replicas.map((replica) => replica.done));

    const writes = sim.writes({ route: "PATCH /repos/{owner}/{repo}/issues/{issue_number}" }).filter((r) => r.installationId === installationId);
    expect(writes.map((w) => w.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // Both replicas wrote (each edited its own three issues) ...
    expect(sim.issues("acme/app").filter((issue) => issue.title.startsWith("edited by")).map((issue) => issue.number).sort((a, b) => a - b)).toEqual(issues);
    // ... and no two writes, whichever replica sent them, came closer than one replica's pacing.
    const arrivals = writes.map((w) => w.at).sort((a, b) => a - b);
    const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]!);
    expect(gaps.filter((gap) => gap < WRITE_SPACING_MS - ARRIVAL_JITTER_MS)).toEqual([]);
    sim.assertNoViolations();
  });

  it("keeps Bottleneck's limiter state in Redis, and still retries a secondary limit", async () => {
    const redisUrl = testRedis.require();
    const redis = new Redis(redisUrl);
    cleanups.push(async () => {
      await redis.quit();
    });
    const installationId = freshInstallationId();
    const startedAt = Date.now();
    const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
    sim.createInstallation({ id: installationId, account: "acme", permissions: { issues: "write", metadata: "read" } });
    sim.createRepository({ owner: "acme", name: "app" });
    const probot = new Probot({
      appId: TEST_APP_ID,
      privateKey: testPrivateKey,
      log: pino({ level: "silent" }),
      redisConfig: redisUrl,
      Octokit: createOctokitClass({ retryAfterBaseValue: 20 }),
      request: { fetch: sim.fetch },
    });
    const octokit = await probot.auth(installationId);
    await octokit.rest.issues.create({ owner: "acme", repo: "app", title: "first" });
    // GitHub's abuse detection refuses the next creation once, with retry-after: it is retried.
    sim.injectFault({
      route: "POST /repos/{owner}/{repo}/issues",
      status: 403,
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      retryAfter: 2,
      times: 1,
    });
    await octokit.rest.issues.create({ owner: "acme", repo: "app", title: "second" });

    expect(sim.issues("acme/app").map((i) => i.title)).toEqual(["first", "second"]);
    expect(sim.countRequests({ route: "POST /repos/{owner}/{repo}/issues", status: 403 })).toBe(1);
    // Each limiter group registers this process as a client in Redis, stamped with the time it was last seen.
    for (const group of ["write", "notifications"]) {
      const seen = await redis.zrange(`b_octokit-${group}-${installationId}_client_last_seen`, 0, -1, "WITHSCORES");
      const latest = Math.max(...seen.filter((_, i) => i % 2 === 1).map(Number));
      expect(latest).toBeGreaterThanOrEqual(startedAt - 1_000);
    }
  });
});
