import { Redis } from "ioredis";
import { pino } from "pino";
import { Probot } from "probot";
import { afterAll, describe, expect, it } from "vitest";
import { createOctokitClass } from "../../src/github/create-octokit-class.js";
import { createGitHubSimulator } from "../support/github-simulator/index.js";
import { TEST_APP_ID, testPrivateKey } from "../support/test-config.js";
import { testRedisUrl } from "../support/test-database.js";

describe.runIf(testRedisUrl)("GitHub request throttling shared through Redis (REDIS_URL)", () => {
  const redis = new Redis(testRedisUrl ?? "");
  afterAll(async () => {
    await redis.quit();
  });

  it("keeps Bottleneck's limiter state in Redis, so replicas space their writes together, and still retries a secondary limit", async () => {
    const startedAt = Date.now();
    const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
    sim.createInstallation({ id: 1, account: "acme", permissions: { issues: "write", metadata: "read" } });
    sim.createRepository({ owner: "acme", name: "app" });
    const probot = new Probot({
      appId: TEST_APP_ID,
      privateKey: testPrivateKey,
      log: pino({ level: "silent" }),
      redisConfig: testRedisUrl,
      Octokit: createOctokitClass({ retryAfterBaseValue: 20 }),
      request: { fetch: sim.fetch },
    });
    const octokit = await probot.auth(1);
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
      const seen = await redis.zrange(`b_octokit-${group}-1_client_last_seen`, 0, -1, "WITHSCORES");
      const latest = Math.max(...seen.filter((_, i) => i % 2 === 1).map(Number));
      expect(latest).toBeGreaterThanOrEqual(startedAt - 1_000);
    }
  });
});
