import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Database } from "../../db/database.js";
import { writeFallbackFile } from "../../fallback/fallback-file.js";
import type { FallbackRecord } from "../../fallback/fallback-record.js";
import { listFallbackRecords, loadFallbackRecord } from "../../fallback/fallback-store.js";
import { hasJobQueue } from "../../jobs/dead-letters.js";
import type { CliCommand } from "../cli-command.js";
import type { CliIo } from "../cli-io.js";
import { describeFsError } from "../describe-fs-error.js";
import { ExitCode } from "../exit-code.js";
import { parseCommandWithHelp } from "../parse-command-args.js";
import { withAppDatabase } from "../with-app-database.js";
import { withJobQueue } from "../with-job-queue.js";
import { writeListing } from "../write-listing.js";
import { writeUsageError } from "../write-usage-error.js";

/** Exit code when the record named does not exist, or is not pending (for redrive). */
const NO_SUCH_RECORD = 2;

const usage = `usage: audit-digest fallback list [--json]
       audit-digest fallback show <id>
       audit-digest fallback export <dir>
       audit-digest fallback redrive <id>

When the app may not file a digest (no Issues: write, issues disabled, the home
out of the installation's reach), it keeps the findings as a fallback record:
the artifact with every snippet <REDACTED> and every other string scrubbed, and
the digest rendered from it, until fallback.ttl_days (default 7) have passed.
The app files it by itself once that is possible (new permissions accepted,
repositories added, issues enabled, and hourly).

  list          every record, oldest first: id, status (pending, redriven,
                superseded, refused), expiry, installation, home, audit_id, reason
  show <id>     the whole record as JSON (redacted artifact, digest title and body)
  export <dir>  write every record to <dir> as fallback-record-<id>.json
                (mode 0600, each written atomically), creating <dir> if needed
  redrive <id>  queue a re-drive of this pending record: the app's next free
                worker mints a fresh token and files the digest (nothing is
                filed twice); the record shows "redriven" once it is done
  --json        print the list as JSON on standard output
  -h, --help    show this help

Works on the app's configured database: DATABASE_URL, or the PGlite directory in
DATA_DIR (default ./data) while the app is stopped.
Exit codes: 0 done, 1 usage error, the database cannot be opened or a file
cannot be written, 2 no such record (or, for redrive, it is not pending).
`;

async function execute(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandWithHelp({ command: "fallback", args, options: { json: { type: "boolean" } }, usage, io });
  if (!parsed.ok) return parsed.exitCode;
  const [action, ...rest] = parsed.positionals;
  const json = parsed.values.json === true;
  if (json && action !== "list") return usageError(io, `--json applies to "fallback list" only`);
  switch (action) {
    case "list":
      if (rest.length > 0) return usageError(io, `"fallback list" takes no arguments, got ${JSON.stringify(rest.join(" "))}`);
      return withFallbackDatabase(io, ({ db }) => listCommand({ io, db, json }));
    case "show":
    case "redrive": {
      const id = recordId(rest);
      if (id === undefined) return usageError(io, `"fallback ${action}" takes exactly one record id, a whole number (see audit-digest fallback list)`);
      return withFallbackDatabase(io, ({ db, databaseUrl }) => (action === "show" ? showCommand({ io, db, id }) : redriveCommand({ io, db, databaseUrl, id })));
    }
    case "export": {
      const [dir, ...extra] = rest;
      if (dir === undefined || extra.length > 0) return usageError(io, `"fallback export" takes exactly one folder`);
      return withFallbackDatabase(io, ({ db }) => exportCommand({ io, db, dir: path.resolve(io.cwd, dir) }));
    }
    default:
      return usageError(io, action === undefined ? "expected list, show, export or redrive" : `unknown action ${JSON.stringify(action)}: expected list, show, export or redrive`);
  }
}

function recordId(args: readonly string[]): number | undefined {
  const [id, ...extra] = args;
  if (id === undefined || extra.length > 0 || !/^[1-9][0-9]{0,15}$/.test(id)) return undefined;
  return Number(id);
}

function usageError(io: CliIo, message: string): number {
  return writeUsageError({ io, command: "fallback", usage, message });
}

function withFallbackDatabase(io: CliIo, work: (opened: { db: Database; databaseUrl: string | undefined }) => Promise<number>): Promise<number> {
  return withAppDatabase({ io, command: "fallback", needs: { name: "fallback records", isPresent: hasFallbackRecords }, work });
}

async function hasFallbackRecords(db: Database): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>("SELECT to_regclass('fallback_records') IS NOT NULL AS present");
  return rows[0]?.present === true;
}

async function listCommand({ io, db, json }: { io: CliIo; db: Database; json: boolean }): Promise<number> {
  return writeListing({
    io,
    json,
    items: await listFallbackRecords(db),
    noun: "fallback record",
    jsonKey: "records",
    toJson: summary,
    line: (record) => {
      const { cause, status, message } = record.reason;
      return `${record.id}  ${record.status}  until ${record.expiresAt}  installation ${record.installationId}  ${record.home}  ${record.auditId}  ${cause} (${status} ${message})`;
    },
    next: "see one with: audit-digest fallback show <id>",
  });
}

async function showCommand({ io, db, id }: { io: CliIo; db: Database; id: number }): Promise<number> {
  const record = await loadFallbackRecord(db, id);
  if (!record) return noSuchRecord(io, id);
  io.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  return ExitCode.ok;
}

async function exportCommand({ io, db, dir }: { io: CliIo; db: Database; dir: string }): Promise<number> {
  const records = await listFallbackRecords(db);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const record of records) await writeFallbackFile({ dir, record });
  } catch (error) {
    io.stderr.write(`audit-digest fallback export: ${dir}: ${describeFsError(error)}\n`);
    return ExitCode.usage;
  }
  io.stdout.write(`exported ${records.length} fallback record${records.length === 1 ? "" : "s"} to ${dir}\n`);
  return ExitCode.ok;
}

async function redriveCommand({ io, db, databaseUrl, id }: { io: CliIo; db: Database; databaseUrl: string | undefined; id: number }): Promise<number> {
  const record = await loadFallbackRecord(db, id);
  if (!record) return noSuchRecord(io, id);
  if (record.status !== "pending") {
    const where = record.digestUrl === null ? "" : ` (${record.digestUrl})`;
    io.stderr.write(`audit-digest fallback redrive: record ${id} is ${record.status}${where}, not pending: there is nothing to re-drive\n`);
    return NO_SUCH_RECORD;
  }
  if (!(await hasJobQueue(db))) {
    io.stderr.write("audit-digest fallback redrive: the database has no job queue: the app has not started on it yet\n");
    return ExitCode.usage;
  }
  return withJobQueue({
    db,
    databaseUrl,
    work: async (queue) => {
      const jobId = await queue.send("redrive-fallbacks", {
        installationId: record.installationId,
        deliveryId: null,
        trigger: "audit-digest fallback redrive",
        recordId: id,
        afterId: null,
      });
      io.stdout.write(`re-drive of fallback record ${id} (${record.home}, ${record.auditId}) queued as job ${jobId}; the app's workers file it\n`);
      return ExitCode.ok;
    },
  });
}

function noSuchRecord(io: CliIo, id: number): number {
  io.stderr.write(`audit-digest fallback: no fallback record ${id} (see audit-digest fallback list; expired records are removed)\n`);
  return NO_SUCH_RECORD;
}

function summary(record: FallbackRecord) {
  return {
    id: record.id,
    status: record.status,
    installation_id: record.installationId,
    home: record.home,
    audit_id: record.auditId,
    target_repository: record.targetRepository,
    reason: record.reason,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    digest_url: record.digestUrl,
  };
}

export const fallbackCommand: CliCommand = {
  name: "fallback",
  usage,
  execute,
};
