import { repositoryJson } from "./account-json.js";
import { nodeId, type ApiUrls } from "./api-urls.js";
import { isoTime } from "./iso-time.js";
import type { SimArtifact, SimRepository, SimWorkflowRun } from "./simulator-state.js";

export function workflowRunJson(repo: SimRepository, run: SimWorkflowRun, urls: ApiUrls): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.fullName}/actions/runs/${run.id}`;
  const repository = repositoryJson(repo, urls);
  const isFork = run.headRepository.fullName.toLowerCase() !== repo.fullName.toLowerCase();
  const headRepository = isFork
    ? repositoryJson(
        {
          id: run.headRepository.id,
          owner: run.headRepository.owner,
          name: run.headRepository.fullName.split("/")[1] ?? repo.name,
          fullName: run.headRepository.fullName,
          private: false,
          archived: false,
          hasIssues: true,
          defaultBranch: repo.defaultBranch,
          createdAt: repo.createdAt,
          openIssues: 0,
          fork: true,
        },
        urls,
      )
    : repository;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("WorkflowRun", run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: ".github/workflows/audit.yml",
    run_number: run.runNumber,
    run_attempt: 1,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: 1,
    display_title: run.name,
    url: api,
    html_url: `${urls.html}/${repo.fullName}/actions/runs/${run.id}`,
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${urls.api}/repos/${repo.fullName}/check-suites/${run.id}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    workflow_url: `${urls.api}/repos/${repo.fullName}/actions/workflows/1`,
    pull_requests: [],
    head_commit: {
      id: run.headSha,
      tree_id: run.headSha,
      message: `Commit ${run.headSha.slice(0, 7)}`,
      timestamp: isoTime(run.createdAt),
      author: { name: "octocat", email: "octocat@users.noreply.github.com" },
      committer: { name: "octocat", email: "octocat@users.noreply.github.com" },
    },
    created_at: isoTime(run.createdAt),
    updated_at: isoTime(run.createdAt),
    run_started_at: isoTime(run.createdAt),
    repository,
    head_repository: run.headRepositoryDeleted ? null : headRepository,
  };
}

export function artifactJson(repo: SimRepository, run: SimWorkflowRun, artifact: SimArtifact, urls: ApiUrls): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.fullName}/actions/artifacts/${artifact.id}`;
  return {
    id: artifact.id,
    node_id: nodeId("Artifact", artifact.id),
    name: artifact.name,
    size_in_bytes: artifact.zip.byteLength,
    url: api,
    archive_download_url: `${api}/zip`,
    expired: artifact.expired,
    created_at: isoTime(artifact.createdAt),
    updated_at: isoTime(artifact.createdAt),
    expires_at: isoTime(artifact.expiresAt),
    workflow_run: {
      id: run.id,
      repository_id: repo.id,
      // GitHub's description has an integer here even once the head repository is gone: its old id.
      head_repository_id: run.headRepository.id,
      head_branch: run.headBranch,
      head_sha: run.headSha,
    },
  };
}
