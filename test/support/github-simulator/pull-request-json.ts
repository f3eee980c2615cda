import { repositoryJson, userJson } from "./account-json.js";
import { nodeId, type ApiUrls } from "./api-urls.js";
import { labelJson } from "./issue-json.js";
import { isoTime } from "./iso-time.js";
import type { SimIssue, SimPullRequest, SimRepository, SimulatorState } from "./simulator-state.js";

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}` of a pull request, lean: the fields apps read. */
export function pullRequestJson(state: SimulatorState, repo: SimRepository, issue: SimIssue & { pullRequest: SimPullRequest }, urls: ApiUrls): Record<string, unknown> {
  const pull = issue.pullRequest;
  const api = `${urls.api}/repos/${repo.fullName}/pulls/${issue.number}`;
  const headRepo = state.findRepository(pull.headRepository);
  const sameRepository = pull.headRepository.toLowerCase() === repo.fullName.toLowerCase();
  const [headOwner = "", headName = ""] = pull.headRepository.split("/");
  return {
    id: issue.id,
    node_id: nodeId("PullRequest", issue.id),
    url: api,
    html_url: `${urls.html}/${repo.fullName}/pull/${issue.number}`,
    issue_url: `${urls.api}/repos/${repo.fullName}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    body: issue.body,
    user: userJson(issue.user, urls),
    labels: issue.labels.map((label) => labelJson(repo, label, urls)),
    draft: pull.draft,
    merged: false,
    merged_at: null,
    closed_at: issue.closedAt === null ? null : isoTime(issue.closedAt),
    created_at: isoTime(issue.createdAt),
    updated_at: isoTime(issue.updatedAt),
    head: {
      label: `${headOwner}:${pull.headRef}`,
      ref: pull.headRef,
      sha: pull.headSha,
      user: userJson(headRepo?.owner ?? state.user(headOwner), urls),
      repo: headRepo ? { ...repositoryJson(headRepo, urls), fork: !sameRepository } : { name: headName, full_name: pull.headRepository, fork: !sameRepository },
    },
    base: {
      label: `${repo.owner.login}:${pull.baseRef}`,
      ref: pull.baseRef,
      sha: "0".repeat(40),
      user: userJson(repo.owner, urls),
      repo: repositoryJson(repo, urls),
    },
    author_association: "MEMBER",
  };
}
