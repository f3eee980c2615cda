import type { InstallationOctokit } from "../github/installation-octokit.js";

export interface RunArtifact {
  id: number;
  name: string;
  sizeInBytes: number;
  expired: boolean;
}

/** The run's artifact with this name (the newest, if the run uploaded it more than once). */
export async function findRunArtifact({
  octokit,
  owner,
  repo,
  runId,
  name,
}: {
  octokit: InstallationOctokit;
  owner: string;
  repo: string;
  runId: number;
  name: string;
}): Promise<RunArtifact | undefined> {
  const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({ owner, repo, run_id: runId, name, per_page: 100 });
  const newest = data.artifacts
    .filter((artifact) => artifact.name === name)
    .sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? "") || b.id - a.id)[0];
  return newest && { id: newest.id, name: newest.name, sizeInBytes: newest.size_in_bytes, expired: newest.expired };
}
