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

/** The data of each job kind, by queue name. */
export interface JobPayloads {
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
}

export type JobName = keyof JobPayloads;
export type JobData<N extends JobName> = JobPayloads[N] & JobEnvelope;
