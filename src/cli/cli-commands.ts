import type { CliCommand } from "./cli-command.js";
import { fallbackCommand } from "./commands/fallback-command.js";
import { fpReportCommand } from "./commands/fp-report-command.js";
import { jobsCommand } from "./commands/jobs-command.js";
import { renderCommand } from "./commands/render-command.js";
import { signCommand } from "./commands/sign-command.js";
import { validateCommand } from "./commands/validate-command.js";

/** The sub-commands of `audit-digest`, in the order help lists them. */
export const cliCommands: readonly CliCommand[] = [validateCommand, signCommand, renderCommand, jobsCommand, fallbackCommand, fpReportCommand];
