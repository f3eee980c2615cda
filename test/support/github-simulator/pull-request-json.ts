import { repositoryJson, userJson } from "./account-json.js";
import { nodeId, type ApiUrls } from "./api-urls.js";
import { labelJson } from "./issue-json.js";
import { isoTime } from "./iso-time.js";
import type { SimIssue, SimPullRequest, SimRepository, SimulatorState } from "./simulator-state.js";

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}` of a pull request, in GitHub's `pull-request` shape. */
export function pullRequestJson(state: SimulatorState, repo: SimRepository, issue: SimIssue & { pullRequest: SimPullRequest }, urls: ApiUrls): Record<string, unknown> {
  const pull = issue.pullRequest;
  const api = `${urls.api}/repos/${repo.fullName}/pulls/${issue.number}`;
  const headRepo = state.findRepository(pull.headRepository);
  const sameRepository = pull.headRepository.toLowerCase() === repo.fullName.toLowerCase();
  const [headOwner = "", headName = ""] = pull.headRepository.split("/");
  const headRepoJson = headRepo
    ? { ...repositoryJson(headRepo, urls), fork: !sameRepository }
    : repositoryJson(
        {
          id: 0,
          owner: state.user(headOwner),
          name: headName,
          fullName: pull.headRepository,
          private: false,
          archived: false,
          hasIssues: true,
          defaultBranch: pull.headRef,
          createdAt: repo.createdAt,
          openIssues: 0,
          fork: !sameRepository,
        },
        urls,
      );
  const html = `${urls.html}/${repo.fullName}/pull/${issue.number}`;
  const issueApi = `${urls.api}/repos/${repo.fullName}/issues/${issue.number}`;
  const statuses = `${urls.api}/repos/${repo.fullName}/statuses/${pull.headSha}`;
  return {
    id: issue.id,
    node_id: nodeId("PullRequest", issue.id),
    url: api,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${urls.api}/repos/${repo.fullName}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: statuses,
    number: issue.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    body: issue.body,
    user: userJson(issue.user, urls),
    labels: issue.labels.map((label) => labelJson(repo, label, urls)),
    milestone: null,
    active_lock_reason: issue.activeLockReason,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    draft: pull.draft,
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: null,
    merged_at: null,
    merge_commit_sha: null,
    closed_at: issue.closedAt === null ? null : isoTime(issue.closedAt),
    created_at: isoTime(issue.createdAt),
    updated_at: isoTime(issue.updatedAt),
    head: {
      label: `${headOwner}:${pull.headRef}`,
      ref: pull.headRef,
      sha: pull.headSha,
      user: userJson(headRepo?.owner ?? state.user(headOwner), urls),
      repo: headRepoJson,
    },
    base: {
      label: `${repo.owner.login}:${pull.baseRef}`,
      ref: pull.baseRef,
      sha: "0".repeat(40),
      user: userJson(repo.owner, urls),
      repo: repositoryJson(repo, urls),
    },
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: issueApi },
      comments: { href: `${issueApi}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${urls.api}/repos/${repo.fullName}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: statuses },
    },
    author_association: "MEMBER",
    auto_merge: null,
    comments: issue.comments.length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}
