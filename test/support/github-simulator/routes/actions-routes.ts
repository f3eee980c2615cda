import { randomBytes } from "node:crypto";
import { GitHubError, notFound } from "../github-error.js";
import { paginate } from "../paginate.js";
import { numberParam, requireRepo, type RouteContext, type RouteDefinition } from "../route-definition.js";
import type { SimArtifact, SimRepository, SimWorkflowRun } from "../simulator-state.js";
import { artifactJson, workflowRunJson } from "../workflow-run-json.js";

const READ = [["actions", "read"]] as const;

/** How long a download URL handed out by the redirect stays valid (GitHub: about a minute). */
const BLOB_URL_TTL_MS = 60_000;

function findRun(repo: SimRepository, context: RouteContext): SimWorkflowRun {
  const id = numberParam(context, "run_id");
  const run = repo.workflowRuns.find((candidate) => candidate.id === id);
  if (!run) throw notFound();
  return run;
}

function findArtifact(repo: SimRepository, context: RouteContext): { run: SimWorkflowRun; artifact: SimArtifact } {
  const id = numberParam(context, "artifact_id");
  for (const run of repo.workflowRuns) {
    const artifact = run.artifacts.find((candidate) => candidate.id === id);
    if (artifact) return { run, artifact };
  }
  throw notFound();
}

export const actionsRoutes: RouteDefinition[] = [
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/actions/runs/{run_id}",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      return { body: workflowRunJson(repo, findRun(repo, context), context.urls) };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      const run = findRun(repo, context);
      const name = context.query.name;
      const artifacts = run.artifacts.filter((artifact) => typeof name !== "string" || artifact.name === name);
      const page = paginate(artifacts, context.query, context.requestUrl);
      return {
        body: { total_count: artifacts.length, artifacts: page.items.map((artifact) => artifactJson(repo, run, artifact, context.urls)) },
        headers: page.headers,
      };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/actions/artifacts/{artifact_id}",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      const { run, artifact } = findArtifact(repo, context);
      return { body: artifactJson(repo, run, artifact, context.urls) };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      if (context.params.archive_format !== "zip") throw notFound();
      const { artifact } = findArtifact(repo, context);
      if (artifact.expired) throw new GitHubError(410, "Artifact has expired");
      const token = randomBytes(16).toString("hex");
      context.blobs.set(token, { data: artifact.zip, expiresAt: context.state.now() + BLOB_URL_TTL_MS });
      return { status: 302, headers: { location: `${context.requestUrl.origin}/_blobs/${token}` } };
    },
  },
];
