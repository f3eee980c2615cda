import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Where the child builds the cluster, inside the data directory so the moves stay on one filesystem. */
const STAGING = ".initdb";
/** The file PGlite (and PostgreSQL) take as "a database is here"; moved last. */
const MARKER = "PG_VERSION";
const STDERR_KEPT = 4096;

/**
 * Runs in the child: builds a database cluster in the folder it is given, with PGlite's own
 * initdb, and exits. It exits as soon as its parent is gone (its stdin closes), so an
 * interrupted start leaves no process writing into the folder.
 */
const CHILD_SOURCE = `
const [pgliteUrl, dataDir, options] = process.argv.slice(1);
process.stdin.on("close", () => process.exit(3));
process.stdin.resume();
const { PGlite } = await import(pgliteUrl);
const pglite = await PGlite.create(dataDir, JSON.parse(options));
await pglite.close();
process.exit(0);
`;

export interface InitializePgliteDataDirOptions {
  /** The data directory; it holds no database yet (no PG_VERSION). */
  dataDir: string;
  /** PGlite options the cluster is made with (start parameters for initdb and the server). */
  options: { initDbStartParams: string[]; startParams: string[] };
}

/**
 * Creates the PGlite database cluster of an empty data directory in a short-lived child
 * process. PGlite's initdb runs a second PostgreSQL instance beside the first, keeps a copy of
 * its memory and then a tarball of the new cluster, about 700 MB at its peak, and WebAssembly
 * memory is never given back, so in the app's own process most of it would stay resident for
 * as long as it runs. The child gives it all back when it exits, and the app then opens the
 * directory as it does on every later start.
 *
 * The cluster is built in `<dataDir>/.initdb` and moved into place entry by entry, PG_VERSION
 * last: a start killed half-way leaves no PG_VERSION, so the next start builds it again
 * (replacing only the entries a cluster is made of) instead of opening half a database.
 */
export async function initializePgliteDataDir({ dataDir, options }: InitializePgliteDataDirOptions): Promise<void> {
  const staging = join(dataDir, STAGING);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  await runInitdbChild({ staging, options, dataDir });

  const entries = readdirSync(staging);
  if (!entries.includes(MARKER)) throw new Error(`PGlite created no ${MARKER} in ${staging}; delete that folder and start again`);
  for (const entry of entries) {
    if (entry === MARKER) continue;
    rmSync(join(dataDir, entry), { recursive: true, force: true });
    renameSync(join(staging, entry), join(dataDir, entry));
  }
  renameSync(join(staging, MARKER), join(dataDir, MARKER));
  rmSync(staging, { recursive: true, force: true });
}

/** Whether the folder holds a PGlite/PostgreSQL cluster already. */
export function hasPgliteDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, MARKER));
}

async function runInitdbChild({ staging, options, dataDir }: { staging: string; dataDir: string } & Pick<InitializePgliteDataDirOptions, "options">): Promise<void> {
  const pgliteUrl = import.meta.resolve("@electric-sql/pglite");
  // Only what node needs: the app's environment holds secrets that the child has no use for.
  const child = spawn(process.execPath, ["--input-type=module", "--eval", CHILD_SOURCE, "--", pgliteUrl, staging, JSON.stringify(options)], {
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["pipe", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT);
  });
  const { code, signal, error } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((done) => {
    child.on("error", (spawnError) => done({ code: null, signal: null, error: spawnError }));
    child.on("close", (exitCode, exitSignal) => done({ code: exitCode, signal: exitSignal }));
  });
  child.stdin.destroy();
  if (code === 0) return;
  const how = error ? `could not start ${process.execPath}: ${error.message}` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
  throw new Error(
    `creating the PGlite database in DATA_DIR (${dataDir}) failed: its initdb process ${how}` +
      `${stderr.trim() ? `:\n${stderr.trim()}` : ""}\n` +
      "Check that the folder is writable with about 100 MB free and that the machine has about 1 GB of memory free for the first start, then start again.",
  );
}
