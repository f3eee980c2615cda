import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createGitHubSimulator } from "../test/support/github-simulator/index.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET } from "../test/support/test-config.js";
import { webhookExample } from "../test/support/webhook-examples.js";
import { formatMs, formatRatio, type BenchTable } from "./bench-table.js";
import { startAppProcess, startBareProbotProcess, type AppProcess } from "./support/start-app-process.js";

/** Deliveries in flight at once, as in a burst of completed runs. */
const IN_FLIGHT = 200;
const ROUNDS = 5;
/** After an app's round, how long to wait for its jobs before the next round (bounded, so the bench stays short). */
const ROUND_DRAIN_MS = 3_000;
/** After the last round, how long to wait for the rest of the jobs. */
const FINAL_DRAIN_MS = 15_000;
const INSTALLATION_ID = 1;
const OWNER = "acme";
const REPO = "service";

interface Target {
  name: string;
  process: AppProcess;
  /** Whether deliveries enqueue jobs (bare Probot runs none). */
  runsJobs: boolean;
  acks: number[];
  failures: number;
  intakeCpuMs: number;
  delivered: number;
  jobCpuMs: number;
  jobsDone: number;
}

/** The members of the example payload the bench points at its own run. */
interface WorkflowRunPayload {
  repository: { name: string; full_name: string; owner: { login: string } };
  workflow_run: { id: number; run_attempt: number; head_sha: string; head_repository: unknown; repository: unknown };
}

/** One delivery as GitHub sends it: the body and its headers, signed before any timing starts. */
interface PreparedDelivery {
  body: string;
  headers: Record<string, string>;
}

/**
 * Webhook intake: bare Probot (an empty `workflow_run.completed` handler) against the app on a
 * fresh PGlite DATA_DIR and on a PostgreSQL database the bench creates and drops, each a child
 * process started here. Each round POSTs IN_FLIGHT signed `workflow_run.completed` deliveries at
 * once (unique delivery ids, each its own run in the GitHub simulator, without an artifact) and
 * times each until its response; one warm-up round, then ROUNDS rounds, the three taking turns.
 */
export async function benchIntake(): Promise<BenchTable[]> {
  const sim = createGitHubSimulator({ app: { id: TEST_APP_ID }, rateLimit: { limit: 1_000_000 }, secondaryLimits: { contentCreatingPerMinute: 1_000_000, concurrent: 10_000 } });
  sim.createInstallation({
    id: INSTALLATION_ID,
    account: OWNER,
    permissions: { issues: "write", checks: "write", actions: "read", contents: "read", metadata: "read" },
    events: ["workflow_run"],
  });
  sim.createRepository({ owner: OWNER, name: REPO });
  const headSha = randomBytes(20).toString("hex");
  const runIds = Array.from({ length: (ROUNDS + 1) * IN_FLIGHT }, () => sim.createWorkflowRun({ repo: `${OWNER}/${REPO}`, headSha }).id);
  const simServer = await sim.listen();
  const github = { GHE_HOST: simServer.host, GHE_PROTOCOL: "http" };

  const dataDir = mkdtempSync(join(tmpdir(), "audit-digest-bench-intake-"));
  const postgres = await createBenchDatabase();
  const started: AppProcess[] = [];
  const notes: string[] = [];
  try {
    const starting = [
      startBareProbotProcess(),
      startAppProcess({ env: { ...github, DATA_DIR: dataDir } }),
      ...(postgres.url ? [startAppProcess({ env: { ...github, DATABASE_URL: postgres.url } })] : []),
    ];
    const processes = await Promise.allSettled(starting);
    for (const result of processes) if (result.status === "fulfilled") started.push(result.value);
    const failed = processes.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const [bare, pglite, onPostgres] = started as [AppProcess, AppProcess, AppProcess | undefined];
    const targets: Target[] = [
      newTarget("bare Probot 14 (baseline)", bare, false),
      newTarget("audit-digest on PGlite", pglite, true),
      ...(onPostgres ? [newTarget("audit-digest on PostgreSQL", onPostgres, true)] : []),
    ];
    if (!postgres.url) notes.push(`PostgreSQL did not answer (${postgres.problem}): its row is left out.`);

    for (let round = 0; round <= ROUNDS; round++) {
      const deliveries = runIds.slice(round * IN_FLIGHT, (round + 1) * IN_FLIGHT).map((runId) => prepareDelivery(runId, headSha));
      for (const target of targets) await runRound({ target, deliveries, measured: round > 0, drainMs: ROUND_DRAIN_MS });
    }
    for (const target of targets) if (target.runsJobs) await drain(target, FINAL_DRAIN_MS);

    const [baseline] = targets as [Target];
    const base = summarize(baseline);
    const rows = targets.map((target) => {
      const figures = summarize(target);
      return [
        target.name,
        formatMs(figures.p50),
        formatMs(figures.p99),
        target === baseline ? "1.00×" : formatRatio(figures.p50 / base.p50),
        target === baseline ? "1.00×" : formatRatio(figures.p99 / base.p99),
        formatMs(figures.cpuPerDelivery),
        target === baseline ? "1.00×" : formatRatio(figures.cpuPerDelivery / base.cpuPerDelivery),
        target.runsJobs ? `${target.jobsDone} / ${target.delivered}` : "-",
      ];
    });
    notes.push(
      `CPU split, intake during the rounds + each job after them: ${targets
        .filter((target) => target.runsJobs)
        .map((target) => `${target.name} ${formatMs(target.intakeCpuMs / target.delivered)} + ${formatMs(target.jobsDone > 0 ? target.jobCpuMs / target.jobsDone : 0)} ms`)
        .join("; ")}.`,
    );
    for (const target of targets) {
      if (target.failures > 0) notes.push(`${target.name}: ${target.failures} deliveries answered other than 2xx.`);
      if (target.runsJobs && target.jobsDone < target.delivered) {
        notes.push(`${target.name}: ${target.jobsDone} of ${target.delivered} jobs done when the bench stopped waiting; CPU per job is the CPU after the acks divided by the jobs done.`);
      }
    }
    return [
      {
        title: `Webhook intake: ${IN_FLIGHT} signed workflow_run.completed deliveries in flight, ${ROUNDS} rounds after a warm-up`,
        headers: ["process", "ack p50 ms", "ack p99 ms", "p50 ratio", "p99 ratio", "CPU ms / delivery", "CPU ratio", "jobs done"],
        rows,
        notes: [
          "Each process is a child started by the bench (node with the tsx loader, NODE_ENV=production, LOG_LEVEL=warn); the ratios are against the bare Probot row, measured in the same rounds. An ack is the time from sending a delivery to reading its response; every 2xx of the app means the delivery and its job were committed.",
          "CPU per delivery is the process's user + system time (/proc/<pid>/stat) during the rounds divided by the deliveries, plus, for the app, the CPU after the acks (its jobs, polling and maintenance) divided by the jobs done. Each job does real work against the GitHub simulator in the bench process (a run without an artifact: token, artifact list, no issue).",
          ...notes,
        ],
      },
    ];
  } finally {
    await Promise.all(started.map((child) => child.stop()));
    await simServer.close();
    await postgres.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function newTarget(name: string, child: AppProcess, runsJobs: boolean): Target {
  return { name, process: child, runsJobs, acks: [], failures: 0, intakeCpuMs: 0, delivered: 0, jobCpuMs: 0, jobsDone: 0 };
}

function prepareDelivery(runId: number, headSha: string): PreparedDelivery {
  const payload = webhookExample("workflow_run", "completed", { installationId: INSTALLATION_ID }) as WorkflowRunPayload;
  payload.repository.name = REPO;
  payload.repository.full_name = `${OWNER}/${REPO}`;
  payload.repository.owner.login = OWNER;
  payload.workflow_run.id = runId;
  payload.workflow_run.run_attempt = 1;
  payload.workflow_run.head_sha = headSha;
  payload.workflow_run.head_repository = payload.repository;
  payload.workflow_run.repository = payload.repository;
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/bench",
      "x-github-event": "workflow_run",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", TEST_WEBHOOK_SECRET).update(body).digest("hex")}`,
    },
  };
}

async function runRound({ target, deliveries, measured, drainMs }: { target: Target; deliveries: PreparedDelivery[]; measured: boolean; drainMs: number }) {
  const cpuBefore = target.process.cpuMs();
  const acks = await Promise.all(
    deliveries.map(async ({ body, headers }) => {
      const start = performance.now();
      const response = await fetch(target.process.webhookUrl, { method: "POST", headers, body }).catch(() => undefined);
      await response?.arrayBuffer();
      return { ms: performance.now() - start, ok: response !== undefined && response.status >= 200 && response.status < 300 };
    }),
  );
  const cpuAfterAcks = target.process.cpuMs();
  target.delivered += deliveries.length;
  if (measured) {
    target.acks.push(...acks.map((ack) => ack.ms));
    target.failures += acks.filter((ack) => !ack.ok).length;
  }
  target.intakeCpuMs += cpuAfterAcks - cpuBefore;
  if (target.runsJobs) await drain(target, drainMs);
}

/** Waits until every job enqueued so far is done (or `timeoutMs` passed) and books the CPU used meanwhile to the jobs. */
async function drain(target: Target, timeoutMs: number): Promise<void> {
  const cpuBefore = target.process.cpuMs();
  const deadline = Date.now() + timeoutMs;
  let done = await jobsDone(target.process);
  while (done < target.delivered && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    done = await jobsDone(target.process);
  }
  target.jobCpuMs += target.process.cpuMs() - cpuBefore;
  target.jobsDone = done;
}

/** Ingest jobs run to an end (any outcome), read from the app's `/metrics`. */
async function jobsDone(child: AppProcess): Promise<number> {
  const text = await (await fetch(`${child.url}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^audit_digest_jobs_total\{[^}]*queue="ingest-workflow-run"[^}]*\} (\d+)/gm)) total += Number(match[1]);
  return total;
}

function summarize(target: Target): { p50: number; p99: number; cpuPerDelivery: number } {
  const sorted = [...target.acks].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  const intake = target.intakeCpuMs / target.delivered;
  const jobs = target.runsJobs && target.jobsDone > 0 ? target.jobCpuMs / target.jobsDone : 0;
  return { p50: at(0.5), p99: at(0.99), cpuPerDelivery: intake + jobs };
}

/** A database of its own on the PostgreSQL server of BENCH_DATABASE_URL (default: the local test server). */
async function createBenchDatabase(): Promise<{ url?: string; problem?: string; drop(): Promise<void> }> {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const name = `audit_digest_bench_${randomBytes(6).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  try {
    await admin(`CREATE DATABASE ${name}`);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error), drop: () => Promise.resolve() };
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
