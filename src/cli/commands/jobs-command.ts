import type { Database } from "../../db/database.js";
import { hasJobQueue, listDeadLetters, retryDeadLetter, type DeadLetter } from "../../jobs/dead-letters.js";
import type { CliCommand } from "../cli-command.js";
import type { CliIo } from "../cli-io.js";
import { ExitCode } from "../exit-code.js";
import { parseCommandWithHelp } from "../parse-command-args.js";
import { withAppDatabase } from "../with-app-database.js";
import { withJobQueue } from "../with-job-queue.js";
import { writeListing } from "../write-listing.js";
import { writeUsageError } from "../write-usage-error.js";

/** Exit code when the job named is not in the dead-letter queue, or cannot be sent back. */
const NOT_RETRIED = 2;

const usage = `usage: audit-digest jobs dead [--json]
       audit-digest jobs retry <id>

A job that still fails after its retries (30 s, 5 min and 30 min after the first failure)
is dead-lettered: kept, not run again, until an operator decides.

  dead        list dead-lettered jobs, oldest first: id, kind, installation, when,
              and the last error (secrets scrubbed)
  retry <id>  send the job back to its own queue with fresh retries, and take it
              off the dead-letter list (both or neither)
  --json      print the list as JSON on standard output
  -h, --help  show this help

Works on the app's configured database: DATABASE_URL, or the PGlite directory in
DATA_DIR (default ./data) while the app is stopped.
Exit codes: 0 done, 1 usage error or the database cannot be opened, 2 no such
dead-lettered job, or it cannot be sent back.
`;

async function execute(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandWithHelp({ command: "jobs", args, options: { json: { type: "boolean" } }, usage, io });
  if (!parsed.ok) return parsed.exitCode;
  const [action, ...rest] = parsed.positionals;
  if (action === "dead") {
    if (rest.length > 0) return usageError(io, `"jobs dead" takes no arguments, got ${JSON.stringify(rest.join(" "))}`);
    return withJobsDatabase(io, ({ db }) => listCommand(io, db, parsed.values.json === true));
  }
  if (action === "retry") {
    if (parsed.values.json === true) return usageError(io, `--json applies to "jobs dead" only`);
    const [id, ...extra] = rest;
    if (id === undefined || extra.length > 0) return usageError(io, `"jobs retry" takes exactly one job id (see audit-digest jobs dead)`);
    return withJobsDatabase(io, ({ db, databaseUrl }) => retryCommand(io, { db, databaseUrl, id }));
  }
  return usageError(io, action === undefined ? "expected dead or retry" : `unknown action ${JSON.stringify(action)}: expected dead or retry`);
}

function usageError(io: CliIo, message: string): number {
  return writeUsageError({ io, command: "jobs", usage, message });
}

function withJobsDatabase(io: CliIo, work: (opened: { db: Database; databaseUrl: string | undefined }) => Promise<number>): Promise<number> {
  return withAppDatabase({ io, command: "jobs", needs: { name: "job queue", isPresent: hasJobQueue }, work });
}

async function listCommand(io: CliIo, db: Database, json: boolean): Promise<number> {
  return writeListing({
    io,
    json,
    items: await listDeadLetters(db),
    noun: "dead-lettered job",
    jsonKey: "jobs",
    toJson,
    line: (letter) => {
      const installation = letter.installationId === null ? "no installation" : `installation ${letter.installationId}`;
      const error = letter.lastError.replace(/\s+/g, " ").trim();
      return `${letter.id}  ${letter.kind ?? "(unknown kind)"}  ${installation}  ${letter.deadLetteredAt.toISOString()}  ${error}`;
    },
    next: "send one back with: audit-digest jobs retry <id>",
  });
}

function retryCommand(io: CliIo, { db, databaseUrl, id }: { db: Database; databaseUrl: string | undefined; id: string }): Promise<number> {
  return withJobQueue({
    db,
    databaseUrl,
    work: async (queue) => {
      const result = await retryDeadLetter({ db, queue, id });
      if (!result.ok) {
        io.stderr.write(`audit-digest jobs retry: ${result.message}\n`);
        return NOT_RETRIED;
      }
      const { deadLetter } = result;
      io.stdout.write(`job ${deadLetter.id} (${deadLetter.kind}, installation ${deadLetter.installationId}) sent back to its queue as job ${result.jobId}\n`);
      return ExitCode.ok;
    },
  });
}

function toJson(letter: DeadLetter) {
  return {
    id: letter.id,
    kind: letter.kind,
    installation_id: letter.installationId,
    delivery_id: letter.deliveryId,
    dead_lettered_at: letter.deadLetteredAt.toISOString(),
    last_error: letter.lastError,
  };
}

export const jobsCommand: CliCommand = {
  name: "jobs",
  usage,
  execute,
};
