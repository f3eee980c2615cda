import type { ProbotOctokit } from "probot";

/** An Octokit authenticated as one installation of the app (Probot's `auth(installationId)`). */
export type InstallationOctokit = InstanceType<typeof ProbotOctokit>;
