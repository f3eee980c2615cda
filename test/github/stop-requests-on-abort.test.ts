import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { createOctokitClass } from "../../src/github/create-octokit-class.js";
import { stopRequestsOnAbort } from "../../src/github/stop-requests-on-abort.js";
import { failureOf } from "../support/failure-of.js";
import { createGitHubSimulator } from "../support/github-simulator/index.js";
import { TEST_APP_ID, testPrivateKey } from "../support/test-config.js";
import { throttledOctokit } from "../support/throttled-octokit.js";
import { waitUntil } from "../support/wait-for.js";

const owner = "acme";
const repo = "app";

/**
 * A job's Octokit as the worker makes it (throttling and retries on), tied to a signal, against
 * a fresh simulator; `sent` counts the requests handed to fetch after the token was minted (a
 * retry in place is one more).
 */
async function arrange({ writeMs = throttledOctokit.spacing!.writeMs }: { writeMs?: number } = {}) {
  const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
  sim.createInstallation({ id: 1, account: owner, permissions: { issues: "write", metadata: "read" } });
  sim.createRepository({ owner, name: repo });
  const counter = { sent: 0 };
  const probot = new Probot({
    appId: TEST_APP_ID,
    privateKey: testPrivateKey,
    log: pino({ level: "silent" }),
    Octokit: createOctokitClass({ ...throttledOctokit, spacing: { ...throttledOctokit.spacing!, writeMs } }),
    request: {
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        counter.sent++;
        return sim.fetch(input, init);
      },
    },
  });
  const client = await probot.auth(1);
  // The installation token is minted by a first request, so the counts below are the test's own.
  await client.rest.repos.get({ owner, repo });
  counter.sent = 0;
  const stop = new AbortController();
  stopRequestsOnAbort(client, stop.signal);
  return { sim, client, stop, counter };
}

describe("a stopped job's GitHub requests", () => {
  it("cuts off a request under way and does not retry it: the caller gets the stop's reason", async () => {
    const { sim, client, stop, counter } = await arrange();
    sim.injectFault({ route: "GET /repos/{owner}/{repo}/issues", latencyMs: 30_000 });
    const listing = failureOf(client.rest.issues.listForRepo({ owner, repo }));
    await waitUntil(() => counter.sent === 1);
    const reason = new Error("the job did not finish within its time limit");
    stop.abort(reason);
    expect(await listing).toBe(reason);
    // plugin-retry would send a request that failed with a 5xx again within milliseconds here.
    await sleep(300);
    expect(counter.sent).toBe(1);
  });

  it("sends nothing once stopped: a write fails with the stop's reason, and GitHub files no issue", async () => {
    const { sim, client, stop, counter } = await arrange();
    const reason = new Error("the job's lease was lost");
    stop.abort(reason);
    expect(await failureOf(client.rest.issues.create({ owner, repo, title: "Digest", body: "findings" }))).toBe(reason);
    expect(counter.sent).toBe(0);
    expect(sim.issues(`${owner}/${repo}`)).toEqual([]);
  });

  it("never sends a write that waited its turn in the write spacing when the stop came", async () => {
    const { sim, client, stop } = await arrange({ writeMs: 1_500 });
    await client.rest.issues.create({ owner, repo, title: "first", body: "one" });
    const second = failureOf(client.rest.issues.create({ owner, repo, title: "second", body: "two" }));
    await sleep(200);
    const reason = new Error("stopped");
    stop.abort(reason);
    expect(await second).toBe(reason);
    // Past the spacing: the second write's turn has come and gone.
    await sleep(1_800);
    expect(sim.issues(`${owner}/${repo}`).map((issue) => issue.title)).toEqual(["first"]);
  });
});
