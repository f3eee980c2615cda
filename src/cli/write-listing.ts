import type { CliIo } from "./cli-io.js";
import { ExitCode } from "./exit-code.js";

/**
 * Prints a command's list on standard output: with `json`, `{ "<jsonKey>": [...] }`; else one
 * line per item and a count saying what to do next, or `no <noun>s` when the list is empty.
 * Returns the exit code of a list printed.
 */
export function writeListing<T>({
  io,
  json,
  items,
  noun,
  jsonKey,
  toJson,
  line,
  next,
}: {
  io: CliIo;
  json: boolean;
  items: readonly T[];
  /** One item, in the singular: `dead-lettered job`. */
  noun: string;
  jsonKey: string;
  toJson(item: T): unknown;
  /** The text line of one item, without its newline. */
  line(item: T): string;
  /** After the count: `see one with: audit-digest fallback show <id>`. */
  next: string;
}): number {
  if (json) {
    io.stdout.write(`${JSON.stringify({ [jsonKey]: items.map(toJson) }, null, 2)}\n`);
    return ExitCode.ok;
  }
  if (items.length === 0) {
    io.stdout.write(`no ${noun}s\n`);
    return ExitCode.ok;
  }
  for (const item of items) io.stdout.write(`${line(item)}\n`);
  io.stdout.write(`${items.length} ${noun}${items.length === 1 ? "" : "s"}; ${next}\n`);
  return ExitCode.ok;
}
