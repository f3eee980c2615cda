import type { CliIo } from "./cli-io.js";

/** One `audit-digest` sub-command. */
export interface CliCommand {
  readonly name: string;
  /** Full help text, printed by `audit-digest <name> --help`. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  execute(args: readonly string[], io: CliIo): Promise<number>;
}
