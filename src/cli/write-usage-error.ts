import type { CliIo } from "./cli-io.js";
import { ExitCode } from "./exit-code.js";

/** Writes `audit-digest <command>: <message>` and the command's help to standard error; returns the usage exit code. */
export function writeUsageError({ io, command, usage, message }: { io: CliIo; command: string; usage: string; message: string }): number {
  io.stderr.write(`audit-digest ${command}: ${message}\n\n${usage}`);
  return ExitCode.usage;
}
