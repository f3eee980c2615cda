import { Octokit } from "@octokit/core";
import { describe, expect, it } from "vitest";
import { createGitHubSimulator, requestFailure } from "../support/github-simulator/index.js";
import { readOpenApiSubset } from "../support/github-simulator/load-openapi-subset.js";
import { createResponseValidator } from "../support/github-simulator/response-validator.js";
import type { SimResponse } from "../support/github-simulator/dispatch-request.js";

const subset = readOpenApiSubset();
const validate = createResponseValidator(subset);

function operation(method: string, route: string) {
  const found = subset.operations.find((candidate) => candidate.method === method && candidate.route === route);
  if (!found) throw new Error(`${method} ${route} is not in the subset`);
  return found;
}

function json(status: number, body: unknown): SimResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
}

/** A real answer of the simulator to GET /repos/{owner}/{repo}/issues/{issue_number}, to corrupt. */
async function issueAnswer() {
  const sim = createGitHubSimulator();
  sim.createInstallation({ id: 1, account: "acme", permissions: { issues: "write", metadata: "read" } });
  sim.createRepository({ owner: "acme", name: "service" });
  sim.createIssue({ repo: "acme/service", title: "Audit digest", labels: ["audit-digest"] });
  const octokit = new Octokit({ auth: sim.createInstallationToken({ installationId: 1 }), request: { fetch: sim.fetch } });
  const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner: "acme", repo: "service", issue_number: 1 });
  sim.assertNoViolations();
  return data as unknown as Record<string, unknown> & { labels: Array<Record<string, unknown>>; user: Record<string, unknown> };
}

describe("response validation against GitHub's response schemas", () => {
  const getIssue = operation("GET", "/repos/{owner}/{repo}/issues/{issue_number}");

  it("passes the simulator's own issue, and names operation, status and JSON path of each breach", async () => {
    const issue = await issueAnswer();
    expect(validate(getIssue, json(200, issue))).toBeUndefined();

    const { user: _user, ...withoutUser } = issue;
    expect(validate(getIssue, json(200, withoutUser))?.message).toBe(
      `issues/get (GET /repos/{owner}/{repo}/issues/{issue_number}) answered 200 with a body that breaks GitHub's schema: at $: must have property "user"`,
    );
    const wrongLabel = { ...issue, labels: [{ ...issue.labels[0], color: 42 }] };
    expect(validate(getIssue, json(200, wrongLabel))?.message).toContain("at $.labels[0].color: must be string");
    const badTime = { ...issue, created_at: "yesterday" };
    expect(validate(getIssue, json(200, badTime))?.message).toContain(`at $.created_at: must match format "date-time"`);
  });

  it("holds error bodies to GitHub's error schemas, and refuses a success status the operation does not have", async () => {
    expect(validate(getIssue, json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" }))).toBeUndefined();
    expect(validate(getIssue, json(404, { message: 404 }))?.message).toContain("answered 404 with a body that breaks GitHub's schema: at $.message: must be string");
    // 401 is in no operation's list: any error still has GitHub's basic error shape.
    expect(validate(getIssue, json(401, { message: ["Bad credentials"] }))?.message).toContain("at $.message: must be string");
    expect(validate(getIssue, json(201, await issueAnswer()))?.message).toBe(
      "issues/get (GET /repos/{owner}/{repo}/issues/{issue_number}) answered 201, a status GitHub's description does not list for it",
    );
    const createLabel = operation("POST", "/repos/{owner}/{repo}/labels");
    const unexplained = { message: "Validation Failed", documentation_url: "https://docs.github.com/rest", errors: [{ resource: "Label" }] };
    expect(validate(createLabel, json(422, unexplained))?.message).toContain(`at $.errors[0]: must have property "code"`);
  });

  it("a route answering a wrong shape fails the request with 500 and is recorded as a simulator bug", async () => {
    const sim = createGitHubSimulator();
    sim.createInstallation({ id: 1, account: "acme", permissions: { issues: "write", metadata: "read" } });
    sim.createRepository({ owner: "acme", name: "service" });
    // Corrupts what the label route will answer: GitHub's label description is a string or null.
    sim.createLabel({ repo: "acme/service", name: "audit-digest", description: 7 as unknown as string });
    const octokit = new Octokit({ auth: sim.createInstallationToken({ installationId: 1 }), request: { fetch: sim.fetch } });

    const failed = await requestFailure(octokit.request("GET /repos/{owner}/{repo}/labels/{name}", { owner: "acme", repo: "service", name: "audit-digest" }));
    expect(failed.status).toBe(500);
    expect(failed.message).toBe(
      "GitHub simulator bug: issues/get-label (GET /repos/{owner}/{repo}/labels/{name}) answered 200 with a body that breaks GitHub's schema: at $.description: must be string,null",
    );
    expect(sim.schemaViolations).toEqual([
      expect.objectContaining({ where: "response", route: "GET /repos/{owner}/{repo}/labels/{name}", message: expect.stringContaining("at $.description") }),
    ]);
    expect(() => sim.assertNoViolations()).toThrow(/\[response\]: issues\/get-label .* answered 200 .* at \$\.description/);
  });
});
