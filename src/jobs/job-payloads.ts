/** What every job carries: the tenant it runs for and the webhook delivery that caused it. */
export interface JobEnvelope {
  installationId: number;
  /** `X-GitHub-Delivery` of the webhook, or null for scheduled work. */
  deliveryId: string | null;
}

/** A repository as jobs name it. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** A completed workflow run whose artifact is to be taken in. */
export interface WorkflowRunRef extends RepoRef {
  runId: number;
  runAttempt: number;
  headSha: string;
  /** The run's head repository differs from the base: its artifact is attacker-controlled. */
  fromFork: boolean;
}

/** The data of each job kind, by queue name. */
export interface JobPayloads {
  /** A workflow run completed: take in its artifact and give the verdict on the check run. */
  "ingest-workflow-run": WorkflowRunRef;
  /** "Re-run" on the check run, or its "Re-run ingest" action: ingest the commit's run again. */
  "rerun-ingest": RepoRef & { headSha: string };
  /** A pull request's head moved: put the "Audit ingest gate" check in `queued` for it. */
  "prepare-check-run": RepoRef & { headSha: string; pullNumber: number };
  /** The app was installed, changed or removed on an account. */
  "sync-installation": {
    action: string;
    accountLogin: string;
    accountType: string;
    permissions: Record<string, string>;
    suspended: boolean;
    repositories: string[] | null;
  };
  /** Scheduled, one per installation: complete its gate checks that waited too long for an artifact. */
  "complete-stale-checks": Record<never, never>;
  /** Scheduled, one per installation deleted longer than the grace period: remove all its data. */
  "purge-installation": Record<never, never>;
  /** An `/audit` command in a comment on an issue or pull request (`line`: the command line as written). */
  "audit-command": RepoRef & { commentId: number; issueNumber: number; isPullRequest: boolean; author: string; line: string };
  /**
   * File the digests of the installation's pending fallback records (the one `recordId` names,
   * or all after `afterId`), with a freshly minted token; `trigger` says what asked for it.
   */
  "redrive-fallbacks": { trigger: string; recordId: number | null; afterId: number | null };
}

export type JobName = keyof JobPayloads;
export type JobData<N extends JobName> = JobPayloads[N] & JobEnvelope;
