import { pino } from "pino";
import { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { fetchRepoConfig, REPO_CONFIG_PATH } from "../../src/config/fetch-repo-config.js";
import { ConditionalReadCache } from "../../src/github/conditional-read-cache.js";
import { createOctokitClass } from "../../src/github/create-octokit-class.js";
import { getLiveIssue } from "../../src/issues/get-live-issue.js";
import { RateLimitTracker } from "../../src/github/rate-limit-tracker.js";
import { createGitHubSimulator } from "../support/github-simulator/index.js";
import { TEST_APP_ID, testPrivateKey } from "../support/test-config.js";

const CONTENTS = "GET /repos/{owner}/{repo}/contents/{path}";
const ISSUE = "GET /repos/{owner}/{repo}/issues/{issue_number}";

/** Two installations of the app (acme with acme/service and its `.github`, globex with globex/web), one Octokit class and so one cache. */
async function arrange(cache: ConditionalReadCache | false = new ConditionalReadCache()) {
  const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
  const permissions = { issues: "write", contents: "read", metadata: "read" } as const;
  sim.createInstallation({ id: 1, account: "acme", permissions });
  sim.createInstallation({ id: 2, account: "globex", permissions });
  sim.createRepository({ owner: "acme", name: "service" });
  sim.createRepository({ owner: "acme", name: ".github" });
  sim.createRepository({ owner: "globex", name: "web" });
  const probot = new Probot({
    appId: TEST_APP_ID,
    privateKey: testPrivateKey,
    log: pino({ level: "silent" }),
    Octokit: createOctokitClass({ throttle: false, conditionalReads: cache }),
    request: { fetch: sim.fetch },
  });
  return { sim, acme: await probot.auth(1), globex: await probot.auth(2) };
}

const readConfig = (octokit: Awaited<ReturnType<typeof arrange>>["acme"]) => fetchRepoConfig({ octokit, owner: "acme", repo: "service" });

describe("conditional reads", () => {
  it("reads the organisation's configuration in full once, then gets 304s that cost no rate-limit point, and the new content once it changes", async () => {
    const { sim, acme } = await arrange();
    sim.setFileContent({ repo: "acme/.github", path: REPO_CONFIG_PATH, content: "digest:\n  title: 'Org digest {audit_id}'\n" });
    const tracker = new RateLimitTracker();
    tracker.observe(acme, 1);

    const first = await readConfig(acme);
    sim.resetLog();
    const second = await readConfig(acme);
    expect(second).toEqual(first);
    expect(second).toMatchObject({ ok: true, source: "acme/.github:.github/audit-digest.yml", config: { digest: { title: "Org digest {audit_id}" } } });
    // The repository has no file (404: GitHub sends no tag for it, so it is read in full); the organisation's answers 304.
    expect(sim.requests.map((r) => [r.path, r.status, r.conditional, r.countedAgainstRateLimit])).toEqual([
      ["/repos/acme/service/contents/.github%2Faudit-digest.yml", 404, false, true],
      ["/repos/acme/.github/contents/.github%2Faudit-digest.yml", 304, true, false],
    ]);
    // The rate-limit figure the jobs budget with comes from the 304's own headers: the point it did not cost is not counted.
    expect(tracker.get(1)?.remaining).toBe(5_000 - 3);

    sim.setFileContent({ repo: "acme/.github", path: REPO_CONFIG_PATH, content: "digest:\n  title: 'Changed {audit_id}'\n" });
    sim.resetLog();
    expect(await readConfig(acme)).toMatchObject({ ok: true, config: { digest: { title: "Changed {audit_id}" } } });
    expect(sim.requests.map((r) => r.status)).toEqual([404, 200]);
    sim.assertNoViolations();
  });

  it("reads an issue conditionally and sees a person's edit at once", async () => {
    const { sim, acme } = await arrange();
    const { number } = sim.createIssue({ repo: "acme/service", title: "Digest", body: "as filed", byApp: true });
    const live = () => getLiveIssue({ octokit: acme, repository: "acme/service", issueNumber: number });
    expect(await live()).toMatchObject({ body: "as filed", state: "open" });
    expect(await live()).toMatchObject({ body: "as filed", state: "open" });
    sim.closeIssueAsUser({ repo: "acme/service", issueNumber: number, username: "octocat" });
    expect(await live()).toMatchObject({ body: "as filed", state: "closed" });
    expect(sim.requests.filter((r) => r.route === ISSUE).map((r) => r.status)).toEqual([200, 304, 200]);
  });

  it("never answers one installation from another's read", async () => {
    const { sim, acme, globex } = await arrange();
    sim.setFileContent({ repo: "acme/.github", path: REPO_CONFIG_PATH, content: "digest:\n  title: 'Acme only'\n" });
    await readConfig(acme);
    sim.resetLog();
    // The same URLs asked by the other installation: sent without a tag, and GitHub refuses them (404, not its repository).
    const other = await fetchRepoConfig({ octokit: globex, owner: "acme", repo: "service" });
    expect(other).toMatchObject({ ok: true, config: { digest: { title: "Audit digest: {audit_id}" } } });
    expect(sim.requests.filter((r) => r.route === CONTENTS).map((r) => [r.installationId, r.status, r.conditional])).toEqual([
      [2, 404, false],
      [2, 404, false],
    ]);
  });

  it("sends every read in full when conditional reads are off", async () => {
    const { sim, acme } = await arrange(false);
    sim.setFileContent({ repo: "acme/.github", path: REPO_CONFIG_PATH, content: "digest: {}\n" });
    await readConfig(acme);
    await readConfig(acme);
    expect(sim.countRequests({ route: CONTENTS, status: 304 })).toBe(0);
    expect(sim.requests.some((r) => r.conditional)).toBe(false);
  });
});

describe("ConditionalReadCache", () => {
  const read = (data: unknown) => ({ etag: 'W/"x"', status: 200, url: "https://api.github.com/x", headers: {}, data });

  it("keeps entries per installation", () => {
    const cache = new ConditionalReadCache();
    cache.set(1, "GET /x", read("one"));
    expect(cache.get(1, "GET /x")?.data).toBe("one");
    expect(cache.get(2, "GET /x")).toBeUndefined();
  });

  it("drops the least recently used beyond its entry and size bounds, and keeps no body larger than one entry may be", () => {
    const cache = new ConditionalReadCache({ maxEntries: 2, maxChars: 1_000, maxEntryChars: 600 });
    cache.set(1, "a", read("a"));
    cache.set(1, "b", read("b"));
    cache.get(1, "a");
    cache.set(1, "c", read("c"));
    expect([cache.get(1, "a"), cache.get(1, "b"), cache.get(1, "c")].map((r) => r?.data)).toEqual(["a", undefined, "c"]);

    cache.set(1, "big", read("x".repeat(500)));
    cache.set(1, "bigger", read("y".repeat(550)));
    expect(cache.get(1, "big")).toBeUndefined();
    expect(cache.chars).toBeLessThanOrEqual(1_000);
    cache.set(1, "huge", read("z".repeat(700)));
    expect(cache.get(1, "huge")).toBeUndefined();
    expect(() => new ConditionalReadCache({ maxEntries: 0 })).toThrow(/maxEntries must be a whole number of at least 1/);
  });
});
