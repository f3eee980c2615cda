import { Octokit } from "@octokit/core";
import { describe, expect, it } from "vitest";
import { RequestError } from "@octokit/request-error";
import { createGitHubSimulator, requestFailure } from "../support/github-simulator/index.js";

const owner = "acme";
const repo = "service";
const ISSUE = "GET /repos/{owner}/{repo}/issues/{issue_number}";
const CONTENTS = "GET /repos/{owner}/{repo}/contents/{path}";

function arrange() {
  const sim = createGitHubSimulator({ rateLimit: { limit: 100 } });
  sim.createInstallation({ id: 7, account: owner, permissions: { issues: "write", contents: "read", metadata: "read" } });
  sim.createRepository({ owner, name: repo });
  const octokit = new Octokit({ auth: sim.createInstallationToken({ installationId: 7 }), request: { fetch: sim.fetch } });
  return { sim, octokit };
}

/** Asks with `If-None-Match`; a 304 comes back as Octokit's RequestError, read here as its status and headers. */
async function conditional(promise: Promise<{ status: number; headers: Record<string, unknown>; data: unknown }>) {
  try {
    const response = await promise;
    return { status: response.status, headers: response.headers, data: response.data };
  } catch (error) {
    if (!(error instanceof RequestError) || error.status !== 304) throw error;
    return { status: error.status, headers: error.response?.headers ?? {}, data: undefined };
  }
}

describe("conditional requests", () => {
  it("tags an issue, answers 304 without a body to its tag, and a new tag once the issue is edited or commented on", async () => {
    const { sim, octokit } = arrange();
    const { number } = sim.createIssue({ repo: `${owner}/${repo}`, title: "Digest", body: "one" });
    const get = (etag?: string) =>
      conditional(octokit.request(ISSUE, { owner, repo, issue_number: number, ...(etag ? { headers: { "if-none-match": etag } } : {}) }));

    const first = await get();
    const etag = String(first.headers.etag);
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);

    const unchanged = await get(etag);
    expect(unchanged).toMatchObject({ status: 304, data: undefined });
    expect(unchanged.headers.etag).toBe(etag);
    // The 304 did not count: the next full read is the second request the window counted.
    expect(unchanged.headers["x-ratelimit-used"]).toBe("1");

    sim.updateIssue({ repo: `${owner}/${repo}`, issueNumber: number, body: "two" });
    const edited = await get(etag);
    expect(edited.status).toBe(200);
    expect(edited.data).toMatchObject({ body: "two" });
    const editedTag = String(edited.headers.etag);
    expect(editedTag).not.toBe(etag);

    // A comment changes the issue as served (its comment count and updated_at), so its tag.
    sim.addComment({ repo: `${owner}/${repo}`, issueNumber: number, body: "a person writes", author: "octocat" });
    const commented = await get(editedTag);
    expect(commented.status).toBe(200);
    expect(commented.headers.etag).not.toBe(editedTag);

    expect(sim.requests.map((r) => [r.status, r.conditional, r.countedAgainstRateLimit])).toEqual([
      [200, false, true],
      [304, true, false],
      [200, true, true],
      [200, true, true],
    ]);
    expect(sim.countRequests({ route: ISSUE, status: 304 })).toBe(1);
    expect(sim.countRequests({ countedAgainstRateLimit: true })).toBe(3);
    expect((await octokit.request("GET /rate_limit")).data.resources.core).toMatchObject({ used: 3, remaining: 97 });
    sim.assertNoViolations();
  });

  it("tags a file per media type and changes the tag when its content changes", async () => {
    const { sim, octokit } = arrange();
    sim.setFileContent({ repo: `${owner}/${repo}`, path: ".github/audit-digest.yml", content: "digest:\n  title: One\n" });
    const read = (format: "raw" | "json", etag?: string) =>
      conditional(
        octokit.request(CONTENTS, { owner, repo, path: ".github/audit-digest.yml", mediaType: { format }, ...(etag ? { headers: { "if-none-match": etag } } : {}) }),
      );
    const raw = await read("raw");
    const json = await read("json");
    expect(raw.data).toBe("digest:\n  title: One\n");
    expect(raw.headers.etag).not.toBe(json.headers.etag);
    expect((await read("raw", String(raw.headers.etag))).status).toBe(304);
    // The JSON representation's tag does not validate the raw one.
    expect((await read("raw", String(json.headers.etag))).status).toBe(200);

    sim.setFileContent({ repo: `${owner}/${repo}`, path: ".github/audit-digest.yml", content: "digest:\n  title: Two\n" });
    const changed = await read("raw", String(raw.headers.etag));
    expect(changed).toMatchObject({ status: 200, data: "digest:\n  title: Two\n" });
    expect(sim.countRequests({ route: CONTENTS, status: 304 })).toBe(1);
  });

  it("checks access before it answers 304: a repository out of reach is a 404 whatever the tag", async () => {
    const { sim, octokit } = arrange();
    const { number } = sim.createIssue({ repo: `${owner}/${repo}`, title: "Digest", body: "one" });
    const first = await octokit.request(ISSUE, { owner, repo, issue_number: number });
    sim.updateRepository({ repo: `${owner}/${repo}`, private: true });
    sim.createInstallation({ id: 8, account: "other", permissions: { issues: "read", metadata: "read" } });
    const stranger = new Octokit({ auth: sim.createInstallationToken({ installationId: 8 }), request: { fetch: sim.fetch } });
    const refused = await requestFailure(stranger.request(ISSUE, { owner, repo, issue_number: number, headers: { "if-none-match": String(first.headers.etag) } }));
    expect(refused.status).toBe(404);
  });
});
