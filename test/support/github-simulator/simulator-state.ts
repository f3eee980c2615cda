/** The world the simulator keeps, shaped the way GitHub keeps it: per installation and repository. */
import type { KeyObject } from "node:crypto";

export type PermissionLevel = "read" | "write" | "admin";
export type InstallationPermissions = Record<string, PermissionLevel>;
export type RepositoryRole = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface SimUser {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
}

export interface SimApp {
  id: number;
  slug: string;
  name: string;
  /** The app's public key: the JWTs it signs are checked with it (RS256). */
  publicKey: KeyObject;
  owner: SimUser;
  botUser: SimUser;
  createdAt: number;
}

export interface SimInstallation {
  id: number;
  account: SimUser;
  permissions: InstallationPermissions;
  events: string[];
  /** "all" covers every repository of the account; otherwise the lower-cased full names in `repositories`. */
  repositorySelection: "all" | "selected";
  repositories: Set<string>;
  suspended: boolean;
  createdAt: number;
}

export interface SimLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface SimReaction {
  id: number;
  content: string;
  user: SimUser;
  createdAt: number;
}

export interface SimComment {
  id: number;
  issueNumber: number;
  body: string;
  user: SimUser;
  viaApp: boolean;
  createdAt: number;
  updatedAt: number;
  reactions: SimReaction[];
}

/** What makes an issue a pull request (on GitHub both share one number space). */
export interface SimPullRequest {
  headSha: string;
  headRef: string;
  baseRef: string;
  /** Full name of the repository the head branch lives in (a fork's for a fork pull request). */
  headRepository: string;
  draft: boolean;
}

export interface SimIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  user: SimUser;
  viaApp: boolean;
  labels: SimLabel[];
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | "duplicate" | null;
  locked: boolean;
  activeLockReason: string | null;
  comments: SimComment[];
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  closedBy: SimUser | null;
  /** Set when the issue is a pull request. */
  pullRequest?: SimPullRequest;
}

export interface SimAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface SimCheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface SimCheckRun {
  id: number;
  checkSuiteId: number;
  name: string;
  headSha: string;
  externalId: string | null;
  detailsUrl: string | null;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  startedAt: number;
  completedAt: number | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: SimAnnotation[] };
  actions: SimCheckRunAction[];
  /** How many PATCH requests changed this check run. */
  updates: number;
}

export interface SimArtifact {
  id: number;
  name: string;
  runId: number;
  zip: Uint8Array;
  expired: boolean;
  createdAt: number;
  expiresAt: number;
}

export interface SimWorkflowRun {
  id: number;
  runNumber: number;
  name: string;
  headSha: string;
  headBranch: string;
  event: string;
  status: "completed" | "in_progress" | "queued";
  conclusion: string | null;
  /** Full name of the repository the head commit lives in (differs from the base for forks). */
  headRepository: { fullName: string; id: number; owner: SimUser };
  /** The head repository was deleted (a fork gone since): GitHub sends `head_repository: null`. */
  headRepositoryDeleted?: boolean;
  artifacts: SimArtifact[];
  createdAt: number;
}

/** An issue no longer in its repository: deleted, or transferred to another one (where it has a new number). */
export type SimRemovedIssue = { kind: "deleted" } | { kind: "transferred"; repositoryId: number; number: number };

export interface SimRepository {
  id: number;
  owner: SimUser;
  name: string;
  fullName: string;
  private: boolean;
  archived: boolean;
  hasIssues: boolean;
  defaultBranch: string;
  createdAt: number;
  labels: SimLabel[];
  issues: SimIssue[];
  /** The highest issue number given out: numbers of deleted or transferred issues are not reused. */
  lastIssueNumber: number;
  /** Issues deleted or transferred away, by their number here. */
  removedIssues: Map<number, SimRemovedIssue>;
  collaborators: Map<string, RepositoryRole>;
  /** Keyed by `${ref}:${path}`. */
  files: Map<string, Uint8Array>;
  checkRuns: SimCheckRun[];
  workflowRuns: SimWorkflowRun[];
}

export interface SimToken {
  token: string;
  installationId: number;
  expiresAt: number;
  /** Permissions asked for when the token was created; undefined means all the installation has. */
  requestedPermissions: InstallationPermissions | undefined;
  /**
   * What the installation was granted when the token was created: as on GitHub, a permission
   * granted later reaches only tokens created after it (one withdrawn applies at once).
   */
  grantedAtCreation: InstallationPermissions;
  /** Lower-cased full names the token was narrowed to; undefined means all the installation covers. */
  repositories: Set<string> | undefined;
}

export interface SimHookDelivery {
  id: number;
  guid: string;
  deliveredAt: number;
  redelivery: boolean;
  durationMs: number;
  statusCode: number;
  status: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  url: string;
  secret: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

export interface SimulatorState {
  app: SimApp;
  installations: Map<number, SimInstallation>;
  /** Keyed by lower-cased full name. */
  repositories: Map<string, SimRepository>;
  tokens: Map<string, SimToken>;
  deliveries: SimHookDelivery[];
  users: Map<string, SimUser>;
  /** Domain for html_url, e.g. "github.com". */
  htmlHost: string;
  /** API base used in JSON built outside a request (e.g. for webhook payloads). */
  defaultApiBase: string;
  /** How long after creation an issue becomes visible to search. */
  searchLagMs: number;
  now: () => number;
  nextId: () => number;
  /** The user (or organisation) with this login, created on first use. */
  user: (login: string, type?: SimUser["type"]) => SimUser;
  findRepository: (fullName: string) => SimRepository | undefined;
}

export interface SimulatorStateOptions {
  now: () => number;
  htmlHost: string;
  searchLagMs: number;
  app: { id: number; slug: string; name: string; publicKey: KeyObject };
}

export function createSimulatorState(options: SimulatorStateOptions): SimulatorState {
  let lastId = 1000;
  const users = new Map<string, SimUser>();
  const nextId = (): number => (lastId += 1);
  const user = (login: string, type: SimUser["type"] = "User"): SimUser => {
    const key = login.toLowerCase();
    let found = users.get(key);
    if (!found) {
      found = { login, id: nextId(), type };
      users.set(key, found);
    }
    return found;
  };
  const repositories = new Map<string, SimRepository>();
  const botUser = user(`${options.app.slug}[bot]`, "Bot");
  return {
    app: { ...options.app, owner: user("audit-digest-owner", "Organization"), botUser, createdAt: options.now() },
    installations: new Map(),
    repositories,
    tokens: new Map(),
    deliveries: [],
    users,
    htmlHost: options.htmlHost,
    defaultApiBase: "https://api.github.com",
    searchLagMs: options.searchLagMs,
    now: options.now,
    nextId,
    user,
    findRepository: (fullName) => repositories.get(fullName.toLowerCase()),
  };
}

