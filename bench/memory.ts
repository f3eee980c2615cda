import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { HMAC_KEYS } from "../test/support/app-harness.js";
import { artifactFixture, producedBy } from "../test/support/artifact-fixtures.js";
import { createGitHubSimulator } from "../test/support/github-simulator/index.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET } from "../test/support/test-config.js";
import { webhookExample } from "../test/support/webhook-examples.js";
import { formatCount, formatRatio, type BenchTable } from "./bench-table.js";
import { createBenchDatabase } from "./support/create-bench-database.js";
import { startAppProcess, startBareProbotProcess, type AppProcess } from "./support/start-app-process.js";

const root = resolve(import.meta.dirname, "..");
/**
 * How long a process runs after it answers before its idle RSS is read; the same for every
 * process. Long enough for V8's memory reducer, which compacts the heap 8 s after a process's
 * last full collection: the bare app's runs about 8 s after it answers, the app's (after its
 * own idle collection) about 16 s, and neither process's RSS moves much after that.
 */
const SETTLE_MS = 24_000;
/** Idle RSS is the median of one sample a second over the last seconds of the settle time. */
const IDLE_SAMPLES = 5;
const INGESTS = 1_000;
/** One ingest in this many carries an artifact (parsed, a check run and the digest); the rest find none. */
const WITH_ARTIFACT_EVERY = 100;
const IN_FLIGHT = 50;
const DRAIN_TIMEOUT_MS = 150_000;
const OWNER = "acme";
const REPO = "service";
const INSTALLATION_ID = 1;
const MB = 1024 * 1024;
/** `BENCH_MEMORY_ONLY=postgres`: the baseline and the PostgreSQL row only, for a quick look at that figure. */
const POSTGRES_ONLY = process.env.BENCH_MEMORY_ONLY === "postgres";

/** The goals of the memory work, printed beside each figure. */
const GOALS = {
  firstStartPeakMb: 500,
  restartIdleMb: 250,
  postgresRatio: 1.3,
  afterIngestsRatio: 1.2,
};

interface WorkflowRunPayload {
  repository: { name: string; full_name: string; owner: { login: string } };
  workflow_run: unknown;
}

/**
 * Resident memory of the app's node process against a bare Probot 14 app, all started by the
 * bench as child processes in the same run: the app as `npm start` runs it (`node dist/main.js`,
 * built first), the baseline with plain node too, so neither carries the tsx loader. Figures are
 * VmRSS / VmHWM of /proc/<pid>/status.
 *
 * 1. bare Probot: idle RSS, the baseline;
 * 2. the app on an empty PGlite DATA_DIR: peak RSS of its first start (and of the initdb child
 *    it starts, sampled), then idle;
 * 3. the app restarted on that DATA_DIR: idle RSS; then INGESTS ingests over HTTP against the
 *    GitHub simulator (signed `workflow_run.completed` deliveries, one in WITH_ARTIFACT_EVERY
 *    with an artifact), and RSS once they are done, against its own idle RSS;
 * 4. the app on a PostgreSQL database of its own: idle RSS.
 *
 * With `BENCH_MEMORY_ONLY=postgres` in the environment, steps 2 and 3 are left out.
 */
export async function benchMemory(): Promise<BenchTable> {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const notes: string[] = [];
  const folder = mkdtempSync(join(tmpdir(), "audit-digest-bench-memory-"));
  const dataDir = join(folder, "data");
  const postgres = await createBenchDatabase();
  const sim = createGitHubSimulator({
    app: { id: TEST_APP_ID },
    rateLimit: { limit: 1_000_000 },
    secondaryLimits: { contentCreatingPerMinute: 1_000_000, concurrent: 10_000 },
  });
  const simServer = await sim.listen();
  const github = { GHE_HOST: simServer.host, GHE_PROTOCOL: "http", AUDIT_HMAC_KEYS: HMAC_KEYS };
  const running: AppProcess[] = [];
  const start = async (starting: Promise<AppProcess>) => {
    const child = await starting;
    running.push(child);
    return child;
  };
  const stop = async (child: AppProcess) => {
    running.splice(running.indexOf(child), 1);
    await child.stop();
  };

  try {
    const bare = await start(startBareProbotProcess({ loader: "none" }));
    const baseline = await idleRss(bare);
    await stop(bare);

    let pglite: PgliteFigures | undefined;
    if (!POSTGRES_ONLY) {
      const initdb = watchInitdbChild(dataDir);
      const fresh = await start(startAppProcess({ build: "dist", env: { ...github, DATA_DIR: dataDir } }));
      const initdbPeak = initdb.stop();
      const freshIdle = await idleRss(fresh);
      const freshPeak = fresh.peakRssBytes();
      await stop(fresh);

      const reopened = await start(startAppProcess({ build: "dist", env: { ...github, DATA_DIR: dataDir } }));
      const restartIdle = await idleRss(reopened);
      const restartPeak = reopened.peakRssBytes();
      const ingests = await runIngests(reopened, sim);
      const afterIngests = await idleRss(reopened);
      const ingestPeak = reopened.peakRssBytes();
      await stop(reopened);
      pglite = { initdbPeak, freshIdle, freshPeak, restartIdle, restartPeak, ingests, afterIngests, ingestPeak };
    }

    let postgresIdle: number | undefined;
    if (postgres.url) {
      const onPostgres = await start(startAppProcess({ build: "dist", env: { ...github, DATABASE_URL: postgres.url } }));
      postgresIdle = await idleRss(onPostgres);
      await stop(onPostgres);
    } else {
      notes.push(`PostgreSQL left out: ${postgres.problem}.`);
    }

    const bareRow = ["bare Probot 14, idle (baseline)", mb(baseline), "-", "1.00×", ""];
    const rows = [bareRow, ...(pglite ? pgliteRows(pglite, baseline) : [])];
    if (postgresIdle !== undefined) rows.push(["PostgreSQL: idle", mb(postgresIdle), mb(baseline), formatRatio(postgresIdle / baseline), `≤ ${GOALS.postgresRatio}× bare`]);
    notes.push(
      `Idle is the median of ${IDLE_SAMPLES} VmRSS samples a second apart, ending ${SETTLE_MS / 1000} s after the process answered (or after its ingests were done); peaks are VmHWM of the node process since it started.`,
    );
    if (pglite) notes.push(...pgliteNotes(pglite));
    else notes.push("PGlite rows left out (BENCH_MEMORY_ONLY=postgres).");
    return {
      title: "Memory: resident set of the node process (MB)",
      headers: ["process", "RSS MB", "baseline MB", "ratio", "goal"],
      rows,
      notes,
    };
  } finally {
    await Promise.all(running.map((child) => child.stop()));
    await simServer.close();
    await postgres.drop();
    rmSync(folder, { recursive: true, force: true });
  }
}

interface PgliteFigures {
  initdbPeak: number | undefined;
  freshIdle: number;
  freshPeak: number;
  restartIdle: number;
  restartPeak: number;
  ingests: { done: number; ms: number };
  afterIngests: number;
  ingestPeak: number;
}

function pgliteRows(f: PgliteFigures, baseline: number): string[][] {
  return [
    ["PGlite, first start on an empty DATA_DIR: peak", mb(f.freshPeak), mb(baseline), formatRatio(f.freshPeak / baseline), `≤ ${GOALS.firstStartPeakMb} MB`],
    ["  its initdb child process: peak (sampled)", f.initdbPeak === undefined ? "-" : mb(f.initdbPeak), mb(baseline), f.initdbPeak === undefined ? "-" : formatRatio(f.initdbPeak / baseline), ""],
    ["PGlite, idle after that first start", mb(f.freshIdle), mb(baseline), formatRatio(f.freshIdle / baseline), ""],
    ["PGlite, restarted on that DATA_DIR: idle", mb(f.restartIdle), mb(baseline), formatRatio(f.restartIdle / baseline), `≤ ${GOALS.restartIdleMb} MB`],
    ["PGlite, restarted: peak of its start", mb(f.restartPeak), mb(baseline), formatRatio(f.restartPeak / baseline), ""],
    [`PGlite, after ${formatCount(INGESTS)} ingests: idle`, mb(f.afterIngests), `${mb(f.restartIdle)} idle`, formatRatio(f.afterIngests / f.restartIdle), `≤ ${GOALS.afterIngestsRatio}× idle`],
    [`PGlite, peak during the ingests`, mb(f.ingestPeak), `${mb(f.restartIdle)} idle`, formatRatio(f.ingestPeak / f.restartIdle), ""],
  ];
}

function pgliteNotes(f: PgliteFigures): string[] {
  return [
    ...(f.initdbPeak === undefined ? ["The initdb child was not seen (it ran between two samples, or the app made its database in its own process)."] : []),
    "The initdb child's peak is its VmHWM sampled every 50 ms while the app starts: it is a separate process that exits before the app opens the database.",
    `${formatCount(f.ingests.done)} of ${formatCount(INGESTS)} ingests done in ${(f.ingests.ms / 1000).toFixed(1)} s (${IN_FLIGHT} deliveries in flight; one in ${WITH_ARTIFACT_EVERY} with a signed artifact, so a check run and a digest; the rest find no artifact).`,
  ];
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(0);
}

async function idleRss(child: AppProcess): Promise<number> {
  await sleep(SETTLE_MS - IDLE_SAMPLES * 1000);
  const samples: number[] = [];
  for (let i = 0; i < IDLE_SAMPLES; i++) {
    await sleep(1000);
    samples.push(child.rssBytes());
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

/**
 * Samples the VmHWM of the process whose command line names `<dataDir>/.initdb` (the child
 * that builds the database of an empty DATA_DIR) until stopped; returns the highest seen.
 */
function watchInitdbChild(dataDir: string): { stop(): number | undefined } {
  const needle = join(dataDir, ".initdb");
  let peak: number | undefined;
  let pid: string | undefined;
  const timer = setInterval(() => {
    try {
      pid ??= readdirSync("/proc").find((entry) => /^\d+$/.test(entry) && safeRead(`/proc/${entry}/cmdline`).includes(needle));
      if (pid === undefined) return;
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(safeRead(`/proc/${pid}/status`));
      if (match) peak = Math.max(peak ?? 0, Number(match[1]) * 1024);
    } catch {
      // a process came or went between the listing and the read
    }
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Sends INGESTS signed deliveries of completed runs, IN_FLIGHT at a time, and waits until their ingest jobs are done. */
async function runIngests(child: AppProcess, sim: ReturnType<typeof createGitHubSimulator>): Promise<{ done: number; ms: number }> {
  sim.createInstallation({
    id: INSTALLATION_ID,
    account: OWNER,
    permissions: { issues: "write", checks: "write", actions: "read", contents: "read", metadata: "read" },
    events: ["workflow_run"],
  });
  sim.createRepository({ owner: OWNER, name: REPO });
  const repo = `${OWNER}/${REPO}`;
  const document = artifactFixture();
  const runs = Array.from({ length: INGESTS }, (_, i) =>
    sim.createWorkflowRun({
      repo,
      headSha: randomBytes(20).toString("hex"),
      ...(i % WITH_ARTIFACT_EVERY === 0 ? { artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] } : {}),
    }),
  );
  const before = await jobsDone(child);
  const started = Date.now();
  for (let i = 0; i < runs.length; i += IN_FLIGHT) {
    await Promise.all(
      runs.slice(i, i + IN_FLIGHT).map((run) => {
        const payload = webhookExample("workflow_run", "completed", { installationId: INSTALLATION_ID }) as WorkflowRunPayload;
        payload.repository = sim.json.repository(repo) as WorkflowRunPayload["repository"];
        payload.workflow_run = sim.json.workflowRun(repo, run.id);
        return sim.deliverWebhook({ url: child.webhookUrl, secret: TEST_WEBHOOK_SECRET, event: "workflow_run", payload });
      }),
    );
  }
  let done = 0;
  while (Date.now() - started < DRAIN_TIMEOUT_MS) {
    done = (await jobsDone(child)) - before;
    if (done >= INGESTS) break;
    await sleep(250);
  }
  return { done, ms: Date.now() - started };
}

/** Ingest jobs run to an end (any outcome), read from the app's `/metrics`. */
async function jobsDone(child: AppProcess): Promise<number> {
  const text = await (await fetch(`${child.url}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^audit_digest_jobs_total\{[^}]*queue="ingest-workflow-run"[^}]*\} (\d+)/gm)) total += Number(match[1]);
  return total;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
