import { installationJson, repositoryJson } from "./account-json.js";
import { apiUrls } from "./api-urls.js";
import { checkRunJson } from "./check-run-json.js";
import { commentJson, issueJson } from "./issue-json.js";
import type { SimAnnotation, SimCheckRun, SimCheckRunAction, SimComment, SimIssue, SimRepository, SimulatorState } from "./simulator-state.js";
import { workflowRunJson } from "./workflow-run-json.js";

export interface CommentView {
  id: number;
  body: string;
  author: string;
  byApp: boolean;
  reactions: string[];
  createdAt: number;
  updatedAt: number;
}

export interface IssueView {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: SimIssue["stateReason"];
  labels: string[];
  author: string;
  byApp: boolean;
  locked: boolean;
  closedBy: string | null;
  closedAt: number | null;
  createdAt: number;
  updatedAt: number;
  comments: CommentView[];
}

export interface CheckRunView {
  id: number;
  name: string;
  headSha: string;
  status: SimCheckRun["status"];
  conclusion: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: SimAnnotation[] };
  actions: SimCheckRunAction[];
  /** PATCH requests that changed it. */
  updates: number;
  startedAt: number;
  completedAt: number | null;
}

export interface LabelView {
  name: string;
  color: string;
  description: string | null;
}

function commentView(comment: SimComment): CommentView {
  return {
    id: comment.id,
    body: comment.body,
    author: comment.user.login,
    byApp: comment.viaApp,
    reactions: comment.reactions.map((reaction) => reaction.content),
    createdAt: comment.createdAt,
    updatedAt: comment.updatedAt,
  };
}

function issueView(issue: SimIssue): IssueView {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    stateReason: issue.stateReason,
    labels: issue.labels.map((label) => label.name),
    author: issue.user.login,
    byApp: issue.viaApp,
    locked: issue.locked,
    closedBy: issue.closedBy?.login ?? null,
    closedAt: issue.closedAt,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    comments: issue.comments.map(commentView),
  };
}

function checkRunView(run: SimCheckRun): CheckRunView {
  return {
    id: run.id,
    name: run.name,
    headSha: run.headSha,
    status: run.status,
    conclusion: run.conclusion,
    externalId: run.externalId,
    detailsUrl: run.detailsUrl,
    output: { ...run.output, annotations: run.output.annotations.map((annotation) => ({ ...annotation })) },
    actions: run.actions.map((action) => ({ ...action })),
    updates: run.updates,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
  };
}

/** Read-back views of the world (copies: changing them changes nothing in the simulator). */
export function createWorldReader(state: SimulatorState) {
  const repository = (name: string): SimRepository => {
    const repo = state.findRepository(name);
    if (!repo) throw new Error(`No repository ${name}`);
    return repo;
  };
  const urls = () => apiUrls(state.defaultApiBase, state.htmlHost);
  const find = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`No ${what}`);
    return value;
  };

  return {
    issues: (repo: string): IssueView[] => repository(repo).issues.map(issueView),
    issue: (repo: string, issueNumber: number): IssueView | undefined => {
      const found = repository(repo).issues.find((issue) => issue.number === issueNumber);
      return found ? issueView(found) : undefined;
    },
    checkRuns: (repo: string, filter: { headSha?: string; name?: string } = {}): CheckRunView[] =>
      repository(repo)
        .checkRuns.filter((run) => (filter.headSha === undefined || run.headSha === filter.headSha) && (filter.name === undefined || run.name === filter.name))
        .map(checkRunView),
    labels: (repo: string): LabelView[] =>
      repository(repo).labels.map((label) => ({ name: label.name, color: label.color, description: label.description })),
    /** REST representations, for building webhook payloads that match what the API returns. */
    json: {
      repository: (repo: string) => repositoryJson(repository(repo), urls()),
      installation: (id: number) => installationJson(find(state.installations.get(id), `installation ${id}`), state.app, urls()),
      issue: (repo: string, issueNumber: number) => {
        const r = repository(repo);
        return issueJson(r, find(r.issues.find((issue) => issue.number === issueNumber), `issue #${issueNumber}`), state.app, urls());
      },
      comment: (repo: string, commentId: number) => {
        const r = repository(repo);
        const comment = find(r.issues.flatMap((issue) => issue.comments).find((candidate) => candidate.id === commentId), `comment ${commentId}`);
        return commentJson(r, comment, state.app, urls());
      },
      checkRun: (repo: string, checkRunId: number) => {
        const r = repository(repo);
        return checkRunJson(r, find(r.checkRuns.find((run) => run.id === checkRunId), `check run ${checkRunId}`), state.app, urls());
      },
      workflowRun: (repo: string, runId: number) => {
        const r = repository(repo);
        return workflowRunJson(r, find(r.workflowRuns.find((run) => run.id === runId), `workflow run ${runId}`), urls());
      },
    },
  };
}

export type WorldReader = ReturnType<typeof createWorldReader>;
