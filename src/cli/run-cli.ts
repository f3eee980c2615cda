import { cliCommands } from "./cli-commands.js";
import type { CliIo } from "./cli-io.js";
import { ExitCode } from "./exit-code.js";
import { readPackageVersion } from "./read-package-version.js";

function generalUsage(): string {
  const width = Math.max(...cliCommands.map((c) => c.name.length));
  const lines = cliCommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return (
    `usage: audit-digest <command> [options]\n       audit-digest --version\n\ncommands:\n${lines.join("\n")}\n\n` +
    `Run "audit-digest <command> --help" for a command's options.\n`
  );
}

/**
 * The `audit-digest` command line. Runs one command and resolves to its exit code;
 * never throws and never touches `process` (the caller passes argv, streams and env).
 */
export async function runCli(io: CliIo): Promise<number> {
  const [name, ...args] = io.argv;
  if (name === undefined) {
    io.stderr.write(generalUsage());
    return ExitCode.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(generalUsage());
    return ExitCode.ok;
  }
  if (name === "--version" || name === "-v") {
    try {
      io.stdout.write(`${await readPackageVersion()}\n`);
      return ExitCode.ok;
    } catch (error) {
      io.stderr.write(`audit-digest: cannot read the package version: ${error instanceof Error ? error.message : "unknown"}\n`);
      return ExitCode.usage;
    }
  }
  const entry = cliCommands.find((c) => c.name === name);
  if (entry === undefined) {
    io.stderr.write(`audit-digest: unknown command ${JSON.stringify(name)}\n\n${generalUsage()}`);
    return ExitCode.usage;
  }
  try {
    const command = await entry.load();
    return await command.execute(args, io);
  } catch (error) {
    io.stderr.write(`audit-digest ${entry.name}: unexpected error: ${error instanceof Error ? error.message : "unknown"}\n`);
    return ExitCode.usage;
  }
}
