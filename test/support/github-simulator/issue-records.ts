import { GitHubError, notFound, validationFailed } from "./github-error.js";
import type { SimComment, SimIssue, SimLabel, SimPullRequest, SimRepository, SimUser, SimulatorState } from "./simulator-state.js";

/** GitHub's limit for issue and comment bodies. */
export const BODY_LIMIT = 65_536;
export const TITLE_LIMIT = 256;

export type LabelInput = string | { name?: string };

export function checkBodyLength(body: string | null | undefined, resource: "Issue" | "IssueComment"): void {
  if (typeof body === "string" && body.length > BODY_LIMIT) {
    throw validationFailed({ resource, code: "custom", field: "body", message: `body is too long (maximum is ${BODY_LIMIT} characters)` });
  }
}

function checkTitle(title: string): void {
  if (title.trim() === "") throw validationFailed({ resource: "Issue", code: "missing_field", field: "title" });
  if (title.length > TITLE_LIMIT) {
    throw validationFailed({ resource: "Issue", code: "custom", field: "title", message: `title is too long (maximum is ${TITLE_LIMIT} characters)` });
  }
}

export function findLabel(repo: SimRepository, name: string): SimLabel | undefined {
  return repo.labels.find((label) => label.name.toLowerCase() === name.toLowerCase());
}

/** The label with this name (case-insensitive), created with GitHub's default colour when absent. */
export function ensureLabel(state: SimulatorState, repo: SimRepository, name: string): SimLabel {
  let label = findLabel(repo, name);
  if (!label) {
    label = { id: state.nextId(), name, color: "ededed", description: null };
    repo.labels.push(label);
  }
  return label;
}

export function resolveLabels(state: SimulatorState, repo: SimRepository, inputs: LabelInput[]): SimLabel[] {
  const labels: SimLabel[] = [];
  for (const input of inputs) {
    const name = typeof input === "string" ? input : input.name;
    if (!name) continue;
    const label = ensureLabel(state, repo, name);
    if (!labels.includes(label)) labels.push(label);
  }
  return labels;
}

export function findIssue(repo: SimRepository, issueNumber: number): SimIssue {
  const issue = repo.issues.find((candidate) => candidate.number === issueNumber);
  if (!issue) throw notFound();
  return issue;
}

export function findComment(repo: SimRepository, commentId: number): { issue: SimIssue; comment: SimComment } {
  for (const issue of repo.issues) {
    const comment = issue.comments.find((candidate) => candidate.id === commentId);
    if (comment) return { issue, comment };
  }
  throw notFound();
}

export function createIssueRecord(
  state: SimulatorState,
  repo: SimRepository,
  input: { title: string; body?: string | null; labels?: LabelInput[]; user: SimUser; viaApp: boolean },
): SimIssue {
  if (!repo.hasIssues) throw new GitHubError(410, "Issues are disabled for this repo");
  return addIssue(state, repo, input);
}

/** A pull request: an issue of the repository (same number space) with a head and a base, open whether issues are enabled or not. */
export function createPullRequestRecord(
  state: SimulatorState,
  repo: SimRepository,
  input: { title: string; body?: string | null; user: SimUser; pullRequest: SimPullRequest },
): SimIssue {
  const issue = addIssue(state, repo, { ...input, viaApp: false });
  issue.pullRequest = { ...input.pullRequest };
  return issue;
}

function addIssue(
  state: SimulatorState,
  repo: SimRepository,
  input: { title: string; body?: string | null; labels?: LabelInput[]; user: SimUser; viaApp: boolean },
): SimIssue {
  checkTitle(input.title);
  checkBodyLength(input.body, "Issue");
  const now = state.now();
  const issue: SimIssue = {
    id: state.nextId(),
    number: (repo.lastIssueNumber += 1),
    title: input.title,
    body: input.body ?? null,
    user: input.user,
    viaApp: input.viaApp,
    labels: resolveLabels(state, repo, input.labels ?? []),
    state: "open",
    stateReason: null,
    locked: false,
    activeLockReason: null,
    comments: [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    closedBy: null,
  };
  repo.issues.push(issue);
  return issue;
}

export interface IssueChanges {
  title?: string;
  body?: string | null;
  state?: "open" | "closed";
  stateReason?: SimIssue["stateReason"];
  labels?: LabelInput[];
}

/** Applies a PATCH the way GitHub does: closing stamps closed_at/closed_by, reopening clears them. */
export function updateIssueRecord(state: SimulatorState, repo: SimRepository, issue: SimIssue, changes: IssueChanges, actor: SimUser): void {
  if (changes.title !== undefined) checkTitle(changes.title);
  checkBodyLength(changes.body, "Issue");
  const now = state.now();
  if (changes.title !== undefined) issue.title = changes.title;
  if (changes.body !== undefined) issue.body = changes.body;
  if (changes.labels !== undefined) issue.labels = resolveLabels(state, repo, changes.labels);
  if (changes.state === "closed" && issue.state === "open") {
    issue.state = "closed";
    issue.closedAt = now;
    issue.closedBy = actor;
    issue.stateReason = changes.stateReason ?? "completed";
  } else if (changes.state === "open" && issue.state === "closed") {
    issue.state = "open";
    issue.closedAt = null;
    issue.closedBy = null;
    issue.stateReason = "reopened";
  } else if (changes.stateReason !== undefined && changes.stateReason !== null && issue.state === "closed") {
    issue.stateReason = changes.stateReason;
  }
  issue.updatedAt = now;
}

export function addCommentRecord(
  state: SimulatorState,
  issue: SimIssue,
  input: { body: string; user: SimUser; viaApp: boolean },
): SimComment {
  checkBodyLength(input.body, "IssueComment");
  if (issue.locked && input.viaApp) throw new GitHubError(403, "Unable to create comment because issue is locked.");
  const now = state.now();
  const comment: SimComment = {
    id: state.nextId(),
    issueNumber: issue.number,
    body: input.body,
    user: input.user,
    viaApp: input.viaApp,
    createdAt: now,
    updatedAt: now,
    reactions: [],
  };
  issue.comments.push(comment);
  issue.updatedAt = now;
  return comment;
}
