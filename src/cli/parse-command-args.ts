import type { ParseArgsConfig } from "node:util";
import { parseArgs } from "node:util";

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
