import type { ParseArgsConfig } from "node:util";
import { parseArgs } from "node:util";
import type { CliIo } from "./cli-io.js";
import { ExitCode } from "./exit-code.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export type ParsedCommandArgs<O extends Options> =
  | { ok: true; values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>["values"]; positionals: string[] }
  | { ok: false; message: string };

/** `node:util` parseArgs in strict mode, with its errors turned into a message. */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O): ParsedCommandArgs<O> {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { ok: true, values, positionals };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : "invalid arguments" };
  }
}

type HelpOption = { help: { type: "boolean"; short: "h" } };

/**
 * Parses a command that takes exactly one file (or `-` for standard input). Usage errors and
 * `--help` are answered here: the result is then the exit code to return.
 */
export function parseFileCommand<O extends Options>({
  command,
  args,
  options,
  usage,
  io,
}: {
  command: string;
  args: readonly string[];
  options: O;
  usage: string;
  io: CliIo;
}):
  | { ok: true; file: string; values: Extract<ParsedCommandArgs<O & HelpOption>, { ok: true }>["values"] }
  | { ok: false; exitCode: number } {
  const parsed = parseCommandArgs(args, { ...options, help: { type: "boolean", short: "h" } });
  if (!parsed.ok) {
    io.stderr.write(`audit-digest ${command}: ${parsed.message}\n\n${usage}`);
    return { ok: false, exitCode: ExitCode.usage };
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    io.stdout.write(usage);
    return { ok: false, exitCode: ExitCode.ok };
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    io.stderr.write(`audit-digest ${command}: expected exactly one file (or -)\n\n${usage}`);
    return { ok: false, exitCode: ExitCode.usage };
  }
  return { ok: true, file, values: parsed.values };
}
