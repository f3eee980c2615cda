import { webhookExample, type WebhookPayload } from "../webhook-examples.js";
import { repositoryJson, userJson } from "./account-json.js";
import { apiUrls } from "./api-urls.js";
import { installationCoversRepository } from "./authenticate-request.js";
import { buildArtifactZip, type ArtifactContent } from "./build-artifact-zip.js";
import { issueInstallationToken } from "./issue-installation-token.js";
import { issueJson } from "./issue-json.js";
import {
  addCommentRecord,
  createIssueRecord,
  createPullRequestRecord,
  ensureLabel,
  findIssue,
  findLabel,
  updateIssueRecord,
  type LabelInput,
} from "./issue-records.js";
import type { InstallationPermissions, RepositoryRole, SimIssue, SimRepository, SimUser, SimulatorState, SimWorkflowRun } from "./simulator-state.js";

/** "owner/name" */
export type RepoName = string;

export interface InstallationInput {
  id?: number;
  /** The account login (an organisation unless `type` says otherwise). */
  account: string | { login: string; type?: "Organization" | "User" };
  permissions: InstallationPermissions;
  /** "owner/name" (or bare names of the account's repositories); every repository of the account when omitted. */
  repositories?: RepoName[] | "all";
  events?: string[];
}

export interface RepositoryInput {
  owner: string;
  name: string;
  hasIssues?: boolean;
  archived?: boolean;
  private?: boolean;
  defaultBranch?: string;
  /** Adds the repository to this installation (when it is installed on selected repositories). */
  installationId?: number;
}

export interface WorkflowRunInput {
  repo: RepoName;
  headSha: string;
  headBranch?: string;
  event?: string;
  name?: string;
  status?: SimWorkflowRun["status"];
  conclusion?: string | null;
  /** The head commit lives in a fork (`head_repository` differs from the repository). */
  fork?: boolean;
  /** Full name of the fork when `fork` is set (default "fork-owner/<name>"). */
  headRepository?: RepoName;
  /** The fork was deleted since: the run shows `head_repository: null`. */
  headRepositoryDeleted?: boolean;
  artifacts?: Array<ArtifactContent & { name: string; expired?: boolean }>;
}

export interface IssueInput {
  repo: RepoName;
  title: string;
  body?: string;
  labels?: string[];
  /** Login of the human author (default "octocat"); ignored when `byApp` is set. */
  author?: string;
  /** Arrange an issue as if the app had created it. */
  byApp?: boolean;
}

export interface PullRequestInput {
  repo: RepoName;
  headSha: string;
  title?: string;
  body?: string;
  /** Branch of the head commit (default "feature"). */
  headRef?: string;
  /** Branch it merges into (default the repository's default branch). */
  baseRef?: string;
  /** Full name of the fork the head branch lives in; the repository itself when omitted. */
  fork?: RepoName;
  draft?: boolean;
  /** Login of the author (default "octocat"). */
  author?: string;
}

/** A webhook GitHub sends when an issue leaves its repository; pass to `deliverWebhook` with a url and secret. */
export interface IssueRemovalDelivery {
  event: "issues";
  payload: WebhookPayload;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createWorldArranger(state: SimulatorState) {
  const repository = (name: RepoName): SimRepository => {
    const repo = state.findRepository(name);
    if (!repo) throw new Error(`No repository ${name}; arrange it with createRepository first`);
    return repo;
  };
  const issueOf = (repo: RepoName, issueNumber: number): SimIssue => findIssue(repository(repo), issueNumber);
  const author = (login: string | undefined, byApp: boolean | undefined): SimUser =>
    byApp ? state.app.botUser : state.user(login ?? "octocat");
  /** GitHub's `issues.<action>` payload for an issue about to leave `repo`, built on the published example. */
  const removalPayload = (repo: SimRepository, issue: SimIssue, action: "deleted" | "transferred", as: string | undefined): WebhookPayload => {
    const urls = apiUrls(state.defaultApiBase, state.htmlHost);
    const installation = [...state.installations.values()].find((candidate) => installationCoversRepository(candidate, repo));
    const payload = webhookExample("issues", action, { installationId: installation?.id ?? null });
    payload.issue = issueJson(repo, issue, state.app, urls);
    payload.repository = repositoryJson(repo, urls);
    payload.sender = userJson(state.user(as ?? "octocat"), urls);
    return payload;
  };

  return {
    createInstallation: (input: InstallationInput): { id: number; account: string } => {
      const login = typeof input.account === "string" ? input.account : input.account.login;
      const type = typeof input.account === "string" ? "Organization" : (input.account.type ?? "Organization");
      const id = input.id ?? state.nextId();
      if (state.installations.has(id)) throw new Error(`Installation ${id} already exists`);
      const selected = Array.isArray(input.repositories);
      state.installations.set(id, {
        id,
        account: state.user(login, type),
        permissions: { ...input.permissions },
        events: [...(input.events ?? [])],
        repositorySelection: selected ? "selected" : "all",
        repositories: new Set(
          (selected ? (input.repositories as RepoName[]) : []).map((name) => (name.includes("/") ? name : `${login}/${name}`).toLowerCase()),
        ),
        suspended: false,
        createdAt: state.now(),
      });
      return { id, account: login };
    },

    setInstallationPermissions: (input: { installationId: number; permissions: InstallationPermissions }): void => {
      const installation = state.installations.get(input.installationId);
      if (!installation) throw new Error(`No installation ${input.installationId}`);
      installation.permissions = { ...input.permissions };
    },

    /** A `ghs_` token for the installation without going through the app's JWT (for tests that are not about auth). */
    createInstallationToken: (input: { installationId: number; permissions?: InstallationPermissions }): string => {
      const installation = state.installations.get(input.installationId);
      if (!installation) throw new Error(`No installation ${input.installationId}`);
      return issueInstallationToken(state, installation, { permissions: input.permissions }).token;
    },

    createRepository: (input: RepositoryInput): { id: number; fullName: string } => {
      const fullName = `${input.owner}/${input.name}`;
      if (state.findRepository(fullName)) throw new Error(`Repository ${fullName} already exists`);
      const repo: SimRepository = {
        id: state.nextId(),
        owner: state.user(input.owner, "Organization"),
        name: input.name,
        fullName,
        private: input.private ?? false,
        archived: input.archived ?? false,
        hasIssues: input.hasIssues ?? true,
        defaultBranch: input.defaultBranch ?? "main",
        createdAt: state.now(),
        labels: [],
        issues: [],
        lastIssueNumber: 0,
        removedIssues: new Map(),
        collaborators: new Map(),
        files: new Map(),
        checkRuns: [],
        workflowRuns: [],
      };
      state.repositories.set(fullName.toLowerCase(), repo);
      if (input.installationId !== undefined) {
        const installation = state.installations.get(input.installationId);
        if (!installation) throw new Error(`No installation ${input.installationId}`);
        if (installation.repositorySelection === "selected") installation.repositories.add(fullName.toLowerCase());
      }
      return { id: repo.id, fullName };
    },

    updateRepository: (input: { repo: RepoName; hasIssues?: boolean; archived?: boolean; private?: boolean }): void => {
      const repo = repository(input.repo);
      if (input.hasIssues !== undefined) repo.hasIssues = input.hasIssues;
      if (input.archived !== undefined) repo.archived = input.archived;
      if (input.private !== undefined) repo.private = input.private;
    },

    setCollaboratorPermission: (input: { repo: RepoName; username: string; permission: RepositoryRole }): void => {
      state.user(input.username);
      repository(input.repo).collaborators.set(input.username.toLowerCase(), input.permission);
    },

    setFileContent: (input: { repo: RepoName; path: string; content: string | Uint8Array; ref?: string }): void => {
      const repo = repository(input.repo);
      const data = typeof input.content === "string" ? new TextEncoder().encode(input.content) : input.content;
      repo.files.set(`${input.ref ?? repo.defaultBranch}:${input.path.replace(/^\/+/, "")}`, data);
    },

    createWorkflowRun: (input: WorkflowRunInput): { id: number; runNumber: number; artifacts: Array<{ id: number; name: string }> } => {
      const repo = repository(input.repo);
      const now = state.now();
      const id = state.nextId();
      const forkName = input.headRepository ?? `fork-owner/${repo.name}`;
      const run: SimWorkflowRun = {
        id,
        runNumber: repo.workflowRuns.length + 1,
        name: input.name ?? "audit",
        headSha: input.headSha,
        headBranch: input.headBranch ?? repo.defaultBranch,
        event: input.event ?? (input.fork ? "pull_request" : "push"),
        status: input.status ?? "completed",
        conclusion: input.conclusion === undefined ? "success" : input.conclusion,
        headRepository: input.fork
          ? { fullName: forkName, id: state.nextId(), owner: state.user(forkName.split("/")[0] ?? "fork-owner") }
          : { fullName: repo.fullName, id: repo.id, owner: repo.owner },
        ...(input.headRepositoryDeleted ? { headRepositoryDeleted: true } : {}),
        artifacts: [],
        createdAt: now,
      };
      run.artifacts = (input.artifacts ?? []).map((artifact) => ({
        id: state.nextId(),
        name: artifact.name,
        runId: id,
        zip: buildArtifactZip(artifact, { repository: repo.fullName, runId: id, headSha: input.headSha }),
        expired: artifact.expired ?? false,
        createdAt: now,
        expiresAt: now + 90 * DAY_MS,
      }));
      repo.workflowRuns.push(run);
      return { id, runNumber: run.runNumber, artifacts: run.artifacts.map((artifact) => ({ id: artifact.id, name: artifact.name })) };
    },

    expireArtifact: (input: { repo: RepoName; artifactId: number }): void => {
      const artifact = repository(input.repo)
        .workflowRuns.flatMap((run) => run.artifacts)
        .find((candidate) => candidate.id === input.artifactId);
      if (!artifact) throw new Error(`No artifact ${input.artifactId} in ${input.repo}`);
      artifact.expired = true;
    },

    createLabel: (input: { repo: RepoName; name: string; color?: string; description?: string }): void => {
      const label = ensureLabel(state, repository(input.repo), input.name);
      if (input.color !== undefined) label.color = input.color;
      if (input.description !== undefined) label.description = input.description;
    },

    createIssue: (input: IssueInput): { number: number } => {
      const issue = createIssueRecord(state, repository(input.repo), {
        title: input.title,
        body: input.body ?? null,
        labels: input.labels ?? [],
        user: author(input.author, input.byApp),
        viaApp: input.byApp ?? false,
      });
      return { number: issue.number };
    },

    /** A pull request (it takes the repository's next issue number, as on GitHub). */
    createPullRequest: (input: PullRequestInput): { number: number } => {
      const repo = repository(input.repo);
      const issue = createPullRequestRecord(state, repo, {
        title: input.title ?? `Change ${input.headSha.slice(0, 7)}`,
        body: input.body ?? null,
        user: author(input.author, false),
        pullRequest: {
          headSha: input.headSha,
          headRef: input.headRef ?? "feature",
          baseRef: input.baseRef ?? repo.defaultBranch,
          headRepository: input.fork ?? repo.fullName,
          draft: input.draft ?? false,
        },
      });
      return { number: issue.number };
    },

    /** Pushes to a pull request's head branch: its head commit becomes `headSha`. */
    updatePullRequestHead: (input: { repo: RepoName; number: number; headSha: string }): void => {
      const issue = issueOf(input.repo, input.number);
      if (!issue.pullRequest) throw new Error(`${input.repo}#${input.number} is not a pull request`);
      issue.pullRequest.headSha = input.headSha;
      issue.updatedAt = state.now();
    },

    addComment: (input: { repo: RepoName; issueNumber: number; body: string; author?: string; byApp?: boolean }): { id: number } => {
      const comment = addCommentRecord(state, issueOf(input.repo, input.issueNumber), {
        body: input.body,
        user: author(input.author, input.byApp),
        viaApp: input.byApp ?? false,
      });
      return { id: comment.id };
    },

    /** Changes an issue as a person would in the web UI (closing stamps closed_by with that person). */
    updateIssue: (input: {
      repo: RepoName;
      issueNumber: number;
      as?: string;
      title?: string;
      body?: string;
      state?: "open" | "closed";
      stateReason?: SimIssue["stateReason"];
      labels?: LabelInput[];
    }): void => {
      const repo = repository(input.repo);
      const { repo: _repo, issueNumber, as, ...changes } = input;
      updateIssueRecord(state, repo, findIssue(repo, issueNumber), changes, state.user(as ?? "octocat"));
    },

    closeIssueAsUser: (input: { repo: RepoName; issueNumber: number; username: string; stateReason?: "completed" | "not_planned" }): void => {
      const repo = repository(input.repo);
      updateIssueRecord(state, repo, findIssue(repo, input.issueNumber), { state: "closed", stateReason: input.stateReason ?? "completed" }, state.user(input.username));
    },

    /**
     * Deletes an issue as an admin does in the web UI (GitHub's REST API cannot): later requests
     * about it answer 410 "This issue was deleted". Returns the `issues.deleted` delivery GitHub
     * sends (from @octokit/webhooks-examples, with this issue, repository and installation).
     */
    deleteIssue: (input: { repo: RepoName; issueNumber: number; as?: string }): IssueRemovalDelivery => {
      const repo = repository(input.repo);
      const issue = findIssue(repo, input.issueNumber);
      if (issue.pullRequest) throw new Error(`${input.repo}#${input.issueNumber} is a pull request; GitHub deletes issues only`);
      const payload = removalPayload(repo, issue, "deleted", input.as);
      repo.issues.splice(repo.issues.indexOf(issue), 1);
      repo.removedIssues.set(issue.number, { kind: "deleted" });
      return { event: "issues", payload };
    },

    /**
     * Transfers an issue to another repository as a person does in the web UI: it takes the
     * next number there, keeps its comments and the labels the target has by name, and requests
     * about its old number answer 301 to the new place (404 to a caller who cannot see it).
     * Returns the `issues.transferred` delivery GitHub sends to the old repository.
     */
    transferIssue: (input: { repo: RepoName; issueNumber: number; to: RepoName; as?: string }): IssueRemovalDelivery & { number: number } => {
      const repo = repository(input.repo);
      const target = repository(input.to);
      const issue = findIssue(repo, input.issueNumber);
      if (issue.pullRequest) throw new Error(`${input.repo}#${input.issueNumber} is a pull request; GitHub transfers issues only`);
      if (target === repo) throw new Error(`${input.repo}#${input.issueNumber} is in ${input.to} already`);
      const payload = removalPayload(repo, issue, "transferred", input.as);
      const oldNumber = issue.number;
      repo.issues.splice(repo.issues.indexOf(issue), 1);
      issue.number = (target.lastIssueNumber += 1);
      issue.labels = issue.labels.map((label) => findLabel(target, label.name)).filter((label) => label !== undefined);
      for (const comment of issue.comments) comment.issueNumber = issue.number;
      issue.updatedAt = state.now();
      target.issues.push(issue);
      repo.removedIssues.set(oldNumber, { kind: "transferred", repositoryId: target.id, number: issue.number });
      const urls = apiUrls(state.defaultApiBase, state.htmlHost);
      payload.changes = { new_issue: issueJson(target, issue, state.app, urls), new_repository: repositoryJson(target, urls) };
      return { event: "issues", payload, number: issue.number };
    },

    lockIssue: (input: { repo: RepoName; issueNumber: number; reason?: "off-topic" | "too heated" | "resolved" | "spam" }): void => {
      const issue = issueOf(input.repo, input.issueNumber);
      issue.locked = true;
      issue.activeLockReason = input.reason ?? null;
    },
  };
}

export type WorldArranger = ReturnType<typeof createWorldArranger>;
