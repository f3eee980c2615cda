import type { ParseArgsConfig } from "node:util";
import { parseArgs } from "node:util";
import type { CliIo } from "./cli-io.js";
import { ExitCode } from "./exit-code.js";
import { writeUsageError } from "./write-usage-error.js";

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

/** A command's arguments, with what is needed to answer a usage error or `--help`. */
interface CommandLine<O extends Options> {
  /** The command's name in messages, e.g. `render`. */
  command: string;
  args: readonly string[];
  /** The command's own options; `-h, --help` is added. */
  options: O;
  usage: string;
  io: CliIo;
}

type Values<O extends Options> = Extract<ParsedCommandArgs<O & HelpOption>, { ok: true }>["values"];

/** What was parsed, or the exit code to return once a usage error or `--help` has been answered. */
type ParsedOrAnswered<T> = ({ ok: true } & T) | { ok: false; exitCode: number };

/**
 * Parses a command's arguments with `-h, --help` added to its options. Usage errors and
 * `--help` are answered here: the result is then the exit code to return.
 */
export function parseCommandWithHelp<O extends Options>({ command, args, options, usage, io }: CommandLine<O>): ParsedOrAnswered<{ values: Values<O>; positionals: string[] }> {
  const parsed = parseCommandArgs(args, { ...options, help: { type: "boolean", short: "h" } });
  if (!parsed.ok) return { ok: false, exitCode: writeUsageError({ io, command, usage, message: parsed.message }) };
  if ((parsed.values as { help?: boolean }).help === true) {
    io.stdout.write(usage);
    return { ok: false, exitCode: ExitCode.ok };
  }
  return { ok: true, values: parsed.values, positionals: parsed.positionals };
}

/**
 * Parses a command that takes exactly one file (or `-` for standard input). Usage errors and
 * `--help` are answered here: the result is then the exit code to return.
 */
export function parseFileCommand<O extends Options>(commandLine: CommandLine<O>): ParsedOrAnswered<{ file: string; values: Values<O> }> {
  const parsed = parseCommandWithHelp(commandLine);
  if (!parsed.ok) return parsed;
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    const { io, command, usage } = commandLine;
    return { ok: false, exitCode: writeUsageError({ io, command, usage, message: "expected exactly one file (or -)" }) };
  }
  return { ok: true, file, values: parsed.values };
}
