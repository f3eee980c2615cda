import type { CliCommand } from "./cli-command.js";

/** A sub-command as the command list shows it; its module is loaded only when it runs. */
export interface CliCommandEntry {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /**
   * Loads the command. Only the command that runs is loaded, so `validate` and `sign` start
   * without the database drivers and the job queue that `jobs`, `fallback` and `fp-report` need.
   */
  load(): Promise<CliCommand>;
}

/** The sub-commands of `audit-digest`, in the order help lists them. */
export const cliCommands: readonly CliCommandEntry[] = [
  {
    name: "validate",
    summary: "check an artifact's schema, limits and signature",
    load: async () => (await import("./commands/validate-command.js")).validateCommand,
  },
  {
    name: "sign",
    summary: "add or replace an artifact's HMAC signature",
    load: async () => (await import("./commands/sign-command.js")).signCommand,
  },
  {
    name: "render",
    summary: "print the digest the app would file for an artifact",
    load: async () => (await import("./commands/render-command.js")).renderCommand,
  },
  {
    name: "jobs",
    summary: "list dead-lettered jobs, or send one back to its queue",
    load: async () => (await import("./commands/jobs-command.js")).jobsCommand,
  },
  {
    name: "fallback",
    summary: "list, show, export or re-drive the redacted findings of digests the app could not file",
    load: async () => (await import("./commands/fallback-command.js")).fallbackCommand,
  },
  {
    name: "fp-report",
    summary: "per pattern: findings dismissed as false positive, won't fix or used in tests, versus open and resolved",
    load: async () => (await import("./commands/fp-report-command.js")).fpReportCommand,
  },
];
