import { pino } from "pino";
import type { Database } from "../../db/database.js";
import { hasJobQueue, listDeadLetters, retryDeadLetter, type DeadLetter } from "../../jobs/dead-letters.js";
import { JobQueue } from "../../jobs/job-queue.js";
import type { CliCommand } from "../cli-command.js";
import type { CliIo } from "../cli-io.js";
import { ExitCode } from "../exit-code.js";
import { openConfiguredDatabase } from "../open-configured-database.js";
import { parseCommandArgs } from "../parse-command-args.js";

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
  const parsed = parseCommandArgs(args, { json: { type: "boolean" }, help: { type: "boolean", short: "h" } });
  if (!parsed.ok) return usageError(io, parsed.message);
  if (parsed.values.help === true) {
    io.stdout.write(usage);
    return ExitCode.ok;
  }
  const [action, ...rest] = parsed.positionals;
  if (action === "dead") {
    if (rest.length > 0) return usageError(io, `"jobs dead" takes no arguments, got ${JSON.stringify(rest.join(" "))}`);
    return withDatabase(io, (db) => listCommand(io, db, parsed.values.json === true));
  }
  if (action === "retry") {
    if (parsed.values.json === true) return usageError(io, `--json applies to "jobs dead" only`);
    const [id, ...extra] = rest;
    if (id === undefined || extra.length > 0) return usageError(io, `"jobs retry" takes exactly one job id (see audit-digest jobs dead)`);
    return withDatabase(io, (db, databaseUrl) => retryCommand(io, { db, databaseUrl, id }));
  }
  return usageError(io, action === undefined ? "expected dead or retry" : `unknown action ${JSON.stringify(action)}: expected dead or retry`);
}

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`audit-digest jobs: ${message}\n\n${usage}`);
  return ExitCode.usage;
}

async function withDatabase(io: CliIo, work: (db: Database, databaseUrl: string | undefined) => Promise<number>): Promise<number> {
  const opened = await openConfiguredDatabase(io);
  if (!opened.ok) {
    io.stderr.write(`audit-digest jobs: ${opened.message}\n`);
    return ExitCode.usage;
  }
  try {
    if (!(await hasJobQueue(opened.db))) {
      io.stderr.write(`audit-digest jobs: ${opened.description} has no job queue: the app has not started on it yet\n`);
      return ExitCode.usage;
    }
    return await work(opened.db, opened.databaseUrl);
  } finally {
    await opened.db.close();
  }
}

async function listCommand(io: CliIo, db: Database, json: boolean): Promise<number> {
  const deadLetters = await listDeadLetters(db);
  if (json) {
    io.stdout.write(`${JSON.stringify({ jobs: deadLetters.map(toJson) }, null, 2)}\n`);
    return ExitCode.ok;
  }
  if (deadLetters.length === 0) {
    io.stdout.write("no dead-lettered jobs\n");
    return ExitCode.ok;
  }
  for (const letter of deadLetters) {
    const installation = letter.installationId === null ? "no installation" : `installation ${letter.installationId}`;
    const error = letter.lastError.replace(/\s+/g, " ").trim();
    io.stdout.write(`${letter.id}  ${letter.kind ?? "(unknown kind)"}  ${installation}  ${letter.deadLetteredAt.toISOString()}  ${error}\n`);
  }
  io.stdout.write(`${deadLetters.length} dead-lettered job${deadLetters.length === 1 ? "" : "s"}; send one back with: audit-digest jobs retry <id>\n`);
  return ExitCode.ok;
}

async function retryCommand(io: CliIo, { db, databaseUrl, id }: { db: Database; databaseUrl: string | undefined; id: string }): Promise<number> {
  const queue = await JobQueue.start({ db, databaseUrl, log: pino({ level: "silent" }), supervise: false });
  try {
    const result = await retryDeadLetter({ db, queue, id });
    if (!result.ok) {
      io.stderr.write(`audit-digest jobs retry: ${result.message}\n`);
      return NOT_RETRIED;
    }
    const { deadLetter } = result;
    io.stdout.write(`job ${deadLetter.id} (${deadLetter.kind}, installation ${deadLetter.installationId}) sent back to its queue as job ${result.jobId}\n`);
    return ExitCode.ok;
  } finally {
    await queue.stop(5);
  }
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
  summary: "list dead-lettered jobs, or send one back to its queue",
  usage,
  execute,
};
