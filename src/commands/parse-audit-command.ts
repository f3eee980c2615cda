import { z } from "zod";
import type { DismissReason } from "../digest/digest-suppressions.js";

export type AuditCommand =
  | { name: "help" }
  | { name: "status" }
  | { name: "rerun" }
  | { name: "dismiss"; fingerprint: string; reason: DismissReason; note?: string }
  | { name: "reopen"; fingerprint: string }
  | { name: "mute"; pattern: string; repo?: string; until?: string }
  | { name: "unmute"; pattern: string; repo?: string };

/**
 * What a comment asks: nothing (`null`: the comment is not a command), a command, or a
 * malformed one (`problem` says what was expected; `word` is the command word, when known).
 */
export type ParsedAuditCommand = { ok: true; command: AuditCommand } | { ok: false; word?: string; problem: string } | null;

export const COMMAND_PREFIX = "/audit";
export const NOTE_MAX = 200;

const fingerprintPrefix = z
  .string()
  .regex(/^[0-9a-fA-F]{6,64}$/, { message: "expected a finding's fingerprint as shown in the digest (6 to 64 hex characters)" })
  .transform((value) => value.toLowerCase());
const note = z.string().max(NOTE_MAX, { message: `expected a reason of at most ${NOTE_MAX} characters` });
const pattern = z
  .string()
  .min(1, { message: "expected the pattern to mute" })
  .max(256, { message: "expected a pattern of at most 256 characters" });
const repository = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/, { message: 'expected a repository as "owner/name"' });
const untilDate = z.iso.date({ message: "expected --until YYYY-MM-DD" });

/**
 * Reads the command in a comment. The first non-empty line must start with `/audit`; the
 * command is that line only:
 *
 *     /audit help | status | rerun
 *     /audit fp <fingerprint> [--tests] [reason…]
 *     /audit wontfix <fingerprint> [reason…]
 *     /audit reopen <fingerprint>
 *     /audit mute <pattern> [owner/repo] [--until YYYY-MM-DD]
 *     /audit unmute <pattern> [owner/repo]
 *
 * A pattern holding spaces is written in backticks (`` `a b` ``). Bare `/audit` asks for help.
 */
export function parseAuditCommand(body: string): ParsedAuditCommand {
  const line = body.split(/\r?\n/).find((candidate) => candidate.trim() !== "")?.trim();
  if (line === undefined || (line !== COMMAND_PREFIX && !line.startsWith(`${COMMAND_PREFIX} `) && !line.startsWith(`${COMMAND_PREFIX}\t`))) {
    return null;
  }
  const rest = line.slice(COMMAND_PREFIX.length).trim();
  const [word = "help", ...tail] = rest === "" ? [] : rest.split(/\s+/);
  const args = rest.slice(word.length).trim();
  const name = word.toLowerCase();
  switch (name) {
    case "help":
    case "status":
    case "rerun":
      return tail.length === 0 ? { ok: true, command: { name } } : { ok: false, word: name, problem: `\`/audit ${name}\` takes no arguments` };
    case "fp":
    case "wontfix":
      return parseDismiss(name, tail);
    case "reopen": {
      if (tail.length !== 1) return { ok: false, word: name, problem: "expected `/audit reopen <fingerprint>`" };
      const fingerprint = fingerprintPrefix.safeParse(tail[0]);
      return fingerprint.success ? { ok: true, command: { name, fingerprint: fingerprint.data } } : failure(name, fingerprint.error);
    }
    case "mute":
    case "unmute":
      return parseMute(name, args);
    default:
      return { ok: false, problem: "unknown command" };
  }
}

function parseDismiss(name: "fp" | "wontfix", tail: readonly string[]): ParsedAuditCommand {
  const [first, ...words] = tail;
  if (first === undefined) return { ok: false, word: name, problem: `expected \`/audit ${name} <fingerprint> [reason…]\`` };
  const fingerprint = fingerprintPrefix.safeParse(first);
  if (!fingerprint.success) return failure(name, fingerprint.error);
  const tests = name === "fp" && words[0] === "--tests";
  const text = (tests ? words.slice(1) : words).join(" ");
  const parsedNote = note.safeParse(text);
  if (!parsedNote.success) return failure(name, parsedNote.error);
  const reason: DismissReason = name === "wontfix" ? "wont_fix" : tests ? "used_in_tests" : "false_positive";
  return {
    ok: true,
    command: { name: "dismiss", fingerprint: fingerprint.data, reason, ...(parsedNote.data !== "" ? { note: parsedNote.data } : {}) },
  };
}

function parseMute(name: "mute" | "unmute", args: string): ParsedAuditCommand {
  const usage = name === "mute" ? "`/audit mute <pattern> [owner/repo] [--until YYYY-MM-DD]`" : "`/audit unmute <pattern> [owner/repo]`";
  const quoted = /^`([^`]+)`(?:\s+|$)/.exec(args);
  const [rawPattern = "", restText] = quoted ? [quoted[1], args.slice(quoted[0].length)] : [args.split(/\s+/)[0], args.split(/\s+/).slice(1).join(" ")];
  if (rawPattern === "") return { ok: false, word: name, problem: `expected ${usage}` };
  const parsedPattern = pattern.safeParse(rawPattern);
  if (!parsedPattern.success) return failure(name, parsedPattern.error);
  const words = (restText ?? "").split(/\s+/).filter((w) => w !== "");
  let repo: string | undefined;
  let until: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const current = words[i] as string;
    if (name === "mute" && current === "--until") {
      const date = untilDate.safeParse(words[i + 1] ?? "");
      if (!date.success || until !== undefined) return failure(name, date.success ? "expected --until once" : date.error);
      until = date.data;
      i++;
      continue;
    }
    if (repo !== undefined) return { ok: false, word: name, problem: `expected ${usage}` };
    const parsedRepo = repository.safeParse(current);
    if (!parsedRepo.success) return failure(name, parsedRepo.error);
    repo = parsedRepo.data;
  }
  return {
    ok: true,
    command: name === "mute" ? { name, pattern: parsedPattern.data, ...(repo ? { repo } : {}), ...(until ? { until } : {}) } : { name, pattern: parsedPattern.data, ...(repo ? { repo } : {}) },
  };
}

function failure(word: string, error: z.ZodError | string): ParsedAuditCommand {
  return { ok: false, word, problem: typeof error === "string" ? error : (error.issues[0]?.message ?? "malformed argument") };
}
