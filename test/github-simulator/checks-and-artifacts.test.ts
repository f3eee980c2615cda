import { Octokit } from "@octokit/core";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { createGitHubSimulator, requestFailure } from "../support/github-simulator/index.js";

const owner = "acme";
const repo = "service";
const SHA = "a".repeat(40);

function arrange(permissions: Record<string, "read" | "write"> = { checks: "write", actions: "read" }) {
  const sim = createGitHubSimulator();
  sim.createInstallation({ id: 1, account: owner, permissions });
  sim.createRepository({ owner, name: repo });
  const octokit = new Octokit({ auth: sim.createInstallationToken({ installationId: 1 }), request: { fetch: sim.fetch } });
  return { sim, octokit };
}

const annotation = (line: number) => ({ path: "src/a.ts", start_line: line, end_line: line, annotation_level: "warning" as const, message: `hit ${line}` });

describe("check runs", () => {
  it("appends annotations across updates and completes with a conclusion", async () => {
    const { sim, octokit } = arrange();
    const created = await octokit.request("POST /repos/{owner}/{repo}/check-runs", {
      owner,
      repo,
      name: "Audit ingest gate",
      head_sha: SHA,
      status: "in_progress",
      output: { title: "Checking", summary: "1/2", annotations: Array.from({ length: 50 }, (_, index) => annotation(index + 1)) },
    });
    expect(created.status).toBe(201);
    await octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      owner,
      repo,
      check_run_id: created.data.id,
      conclusion: "failure",
      output: { title: "2 findings", summary: "done", annotations: [annotation(99)] },
      actions: [{ label: "Re-run", description: "Ingest again", identifier: "rerun" }],
    });
    const [run] = sim.checkRuns(`${owner}/${repo}`, { headSha: SHA });
    expect(run).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "2 findings", summary: "done" }, updates: 1 });
    expect(run?.output.annotations).toHaveLength(51);
    expect(run?.actions).toEqual([{ label: "Re-run", description: "Ingest again", identifier: "rerun" }]);

    const listed = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner, repo, ref: SHA, check_name: "Audit ingest gate" });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs[0]?.output.annotations_count).toBe(51);
    const annotations = await octokit.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", {
      owner,
      repo,
      check_run_id: created.data.id,
      per_page: 100,
    });
    expect(annotations.data.at(-1)).toMatchObject({ start_line: 99, message: "hit 99" });
    sim.assertNoViolations();
  });

  it("refuses more than 50 annotations in one request and a summary over 65,535 characters", async () => {
    const { sim, octokit } = arrange();
    const tooMany = await requestFailure(
      octokit.request("POST /repos/{owner}/{repo}/check-runs", {
        owner,
        repo,
        name: "gate",
        head_sha: SHA,
        output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, index) => annotation(index + 1)) },
      }),
    );
    expect(tooMany.status).toBe(422);
    expect(tooMany.message).toContain("'properties/output/properties/annotations'");
    expect(tooMany.message).toContain("maximum of 50");
    const tooLong = await requestFailure(
      octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner, repo, name: "gate", head_sha: SHA, output: { title: "t", summary: "s".repeat(65_536) } }),
    );
    expect(tooLong.status).toBe(422);
    expect(tooLong.message).toContain("summary");
    expect(sim.checkRuns(`${owner}/${repo}`)).toHaveLength(0);
  });

  it("needs checks: write", async () => {
    const { octokit } = arrange({ checks: "read", actions: "read" });
    const refused = await requestFailure(octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner, repo, name: "gate", head_sha: SHA }));
    expect(refused).toMatchObject({ status: 403, message: "Resource not accessible by integration" });
  });
});

describe("workflow runs and artifacts", () => {
  it("lists a run's artifacts and downloads the zip by following the 302", async () => {
    const { sim, octokit } = arrange();
    const run = sim.createWorkflowRun({
      repo: `${owner}/${repo}`,
      headSha: SHA,
      headBranch: "feature",
      fork: true,
      artifacts: [{ name: "consumer-artifact", json: { audit_id: "a1", hits: [] } }, { name: "other", files: { "x.txt": "x" } }],
    });
    const runData = await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", { owner, repo, run_id: run.id });
    expect(runData.data).toMatchObject({ head_sha: SHA, head_branch: "feature", head_repository: { full_name: "fork-owner/service" }, repository: { full_name: "acme/service" } });
    const listed = await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts", { owner, repo, run_id: run.id, name: "consumer-artifact" });
    expect(listed.data.total_count).toBe(1);
    const artifact = listed.data.artifacts[0]!;
    expect(artifact).toMatchObject({ name: "consumer-artifact", expired: false, workflow_run: { head_sha: SHA } });

    const download = await octokit.request("GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}", {
      owner,
      repo,
      artifact_id: artifact.id,
      archive_format: "zip",
    });
    expect(download.status).toBe(200);
    expect(download.url).toMatch(/\/_blobs\/[0-9a-f]+$/);
    const files = unzipSync(new Uint8Array(download.data as ArrayBuffer));
    expect(JSON.parse(strFromU8(files["consumer_artifact.json"]!))).toEqual({ audit_id: "a1", hits: [] });
    expect(sim.requests.map((entry) => `${entry.status} ${entry.route}`).slice(-2)).toEqual([
      "302 GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
      "200 GET /_blobs/{token}",
    ]);
  });

  it("answers the redirect itself when asked not to follow, and 410 once expired", async () => {
    const { sim, octokit } = arrange();
    const run = sim.createWorkflowRun({ repo: `${owner}/${repo}`, headSha: SHA, artifacts: [{ name: "a", json: {} }, { name: "old", json: {}, expired: true }] });
    const [fresh, old] = run.artifacts;
    const manual = await sim.fetch(`https://api.github.com/repos/${owner}/${repo}/actions/artifacts/${fresh!.id}/zip`, {
      redirect: "manual",
      headers: { authorization: `token ${sim.createInstallationToken({ installationId: 1 })}` },
    });
    expect(manual.status).toBe(302);
    expect(manual.headers.get("location")).toMatch(/^https:\/\/api\.github\.com\/_blobs\//);
    const expired = await requestFailure(
      octokit.request("GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}", { owner, repo, artifact_id: old!.id, archive_format: "zip" }),
    );
    expect(expired).toMatchObject({ status: 410, message: "Artifact has expired" });
  });

  it("needs actions: read", async () => {
    const { sim, octokit } = arrange({ checks: "write" });
    const run = sim.createWorkflowRun({ repo: `${owner}/${repo}`, headSha: SHA, artifacts: [{ name: "a", json: {} }] });
    const refused = await requestFailure(octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts", { owner, repo, run_id: run.id }));
    expect(refused).toMatchObject({ status: 403, message: "Resource not accessible by integration" });
  });
});
