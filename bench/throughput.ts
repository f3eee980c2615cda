import { mkdtempSync, rmSync } from "node:fs";
import { randomInt } from "node:crypto";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { HMAC_KEYS } from "../test/support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../test/support/artifact-fixtures.js";
import { createGitHubSimulator, type GitHubSimulator, type LoggedRequest, type SimulatorServer } from "../test/support/github-simulator/index.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET } from "../test/support/test-config.js";
import { webhookExample } from "../test/support/webhook-examples.js";
import { formatCount, formatRatio, type BenchTable } from "./bench-table.js";
import { createBenchDatabase } from "./support/create-bench-database.js";
import { startAppProcess, type AppProcess } from "./support/start-app-process.js";

/** Ingests measured for one installation. */
const ONE_INSTALLATION_INGESTS = 15;
/**
 * The scale-out measurements, one process against two on PostgreSQL. With ten
 * installations GitHub's pacing bounds the pair (300/min at two writes an ingest) not far above
 * what one process does, so a second, wider fleet whose bound (600/min) leaves room shows what a
 * second process adds when the pacing does not decide.
 */
const FLEETS = [
  { installations: 10, perInstallation: 6 },
  { installations: 20, perInstallation: 6 },
] as const;
/** A first start on an empty DATA_DIR creates the database; on a busy machine that takes a while. */
const READY_TIMEOUT_MS = 180_000;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

// ---------------------------------------------------------------------------------------------
// GitHub's pacing, as the app's Octokit applies it (@octokit/plugin-throttling, which Probot
// installs; keyed by installation, shared through Redis with REDIS_URL): every write (any method
// but GET and HEAD, token requests aside) starts at least 1 s after the installation's previous
// one, and a write that notifies people (creating an issue or a comment) at least 3 s after the
// previous such write. Reads are not spaced. So an installation's ingests cannot finish faster
// than 1 s per write they make (3 s per notifying write, if those were the larger share); the
// bound printed is that, from the writes the ingests made in the run.
// ---------------------------------------------------------------------------------------------
const WRITE_SPACING_S = 1;
const NOTIFYING_WRITE_SPACING_S = 3;
const NOTIFYING_ROUTES = new Set(["POST /repos/{owner}/{repo}/issues", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments"]);
const TOKEN_ROUTE = "POST /app/installations/{installation_id}/access_tokens";

interface Installation {
  id: number;
  repo: string;
  /** Runs ingested so far; each new run moves one finding's line, so the digest changes. */
  runs: number;
}

/** GitHub: installations on organisations of their own, one repository each, served over HTTP. */
async function createWorld(count: number): Promise<{ sim: GitHubSimulator; server: SimulatorServer; installations: Installation[] }> {
  const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
  const server = await sim.listen();
  // Ids of their own: with REDIS_URL the limiter state is kept in Redis by installation id.
  const base = 1_000_000 + randomInt(8_000_000);
  const installations = Array.from({ length: count }, (_, i) => {
    const account = `bench-org-${i}`;
    sim.createInstallation({
      id: base + i,
      account,
      permissions: { actions: "read", checks: "write", issues: "write", contents: "read", metadata: "read", pull_requests: "read" },
    });
    sim.createRepository({ owner: account, name: "app" });
    return { id: base + i, repo: `${account}/app`, runs: 0 };
  });
  return { sim, server, installations };
}

/** A new commit's completed CI run with its artifact, and the `workflow_run.completed` delivery for it. */
function nextRun(sim: GitHubSimulator, installation: Installation): Record<string, unknown> {
  const step = installation.runs++;
  const headSha = `${installation.id.toString(16)}${step.toString(16).padStart(8, "0")}`.padStart(40, "b");
  const document = artifactFixture({
    generated_at: new Date(Date.UTC(2026, 10, 20, 10, 0, step)).toISOString().replace(".000", ""),
    org_unregistered_hits: [
      hit({ repo: installation.repo, path: "src/pay.ts", line_number: 10 + step, pattern: "payments-api", severity: "high" }),
      hit({ repo: installation.repo, path: "src/log.ts", line_number: 3, pattern: "logger", severity: "low" }),
    ],
  });
  const run = sim.createWorkflowRun({ repo: installation.repo, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  const payload = webhookExample("workflow_run", "completed", { installationId: installation.id });
  payload.repository = sim.json.repository(installation.repo);
  payload.workflow_run = sim.json.workflowRun(installation.repo, run.id);
  return payload;
}

/** Ingest jobs the processes have completed (their /metrics, summed). */
async function completedIngests(apps: readonly AppProcess[]): Promise<number> {
  let total = 0;
  for (const app of apps) {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const match = /^audit_digest_jobs_total\{(?=[^}]*queue="ingest-workflow-run")(?=[^}]*outcome="completed")[^}]*\} (\d+)/m.exec(text);
    total += Number(match?.[1] ?? 0);
  }
  return total;
}

interface Measured {
  ingests: number;
  seconds: number;
  perMinute: number;
  writesPerIngest: number;
  /** Ingests per minute GitHub's pacing allows these ingests, summed over the installations. */
  boundPerMinute: number;
  /** The closest two writes of one installation came, in ms, as the simulator received them. */
  closestWritesMs: number;
  /** The most writes of one installation the simulator received within any 10 s (the pacing allows 10). */
  mostWritesIn10s: number;
  /** CPU time of the app processes per ingest, ms. */
  appCpuMsPerIngest: number;
  /** CPU time of this process (the simulator, deliveries) per ingest, ms. */
  simulatorCpuMsPerIngest: number;
}

/**
 * Delivers `perInstallation` new runs of every installation, spread over the apps' webhook URLs,
 * and times them from the first delivery to the last write the ingests made once every one of
 * them completed.
 */
async function ingest({
  sim,
  installations,
  apps,
  perInstallation,
}: {
  sim: GitHubSimulator;
  installations: Installation[];
  apps: readonly AppProcess[];
  perInstallation: number;
}): Promise<Measured> {
  const before = await completedIngests(apps);
  const cpuBefore = apps.reduce((sum, app) => sum + app.cpuMs(), 0);
  const ownCpuBefore = process.cpuUsage();
  const payloads: Record<string, unknown>[] = [];
  for (let round = 0; round < perInstallation; round++) for (const installation of installations) payloads.push(nextRun(sim, installation));
  const logFrom = sim.requests.length;
  const started = Date.now();
  let next = 0;
  const deliverer = async () => {
    while (next < payloads.length) {
      const at = next++;
      const app = apps[at % apps.length]!;
      const status = await sim.deliverWebhook({ url: app.webhookUrl, secret: TEST_WEBHOOK_SECRET, event: "workflow_run", payload: payloads[at] });
      if (status < 200 || status >= 300) throw new Error(`delivery ${at} answered ${status}:\n${app.output()}`);
    }
  };
  await Promise.all(Array.from({ length: 10 }, deliverer));
  const target = before + payloads.length;
  const deadline = Date.now() + 240_000;
  while ((await completedIngests(apps)) < target) {
    if (Date.now() > deadline) throw new Error(`ingests did not complete within 240 s:\n${apps.map((app) => app.output()).join("\n")}`);
    await sleep(250);
  }
  const appCpuMs = apps.reduce((sum, app) => sum + app.cpuMs(), 0) - cpuBefore;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const log = sim.requests.slice(logFrom);
  const writes = log.filter((request) => request.method !== "GET" && request.method !== "HEAD" && request.route !== TOKEN_ROUTE);
  const seconds = (Math.max(...writes.map((w) => w.at)) - started) / 1000;
  return {
    ingests: payloads.length,
    seconds,
    perMinute: (payloads.length / seconds) * 60,
    writesPerIngest: writes.length / payloads.length,
    boundPerMinute: installations.reduce((sum, installation) => sum + paceBound(writes.filter((w) => w.installationId === installation.id), perInstallation), 0),
    closestWritesMs: Math.min(...installations.map((installation) => closestGap(writes.filter((w) => w.installationId === installation.id)))),
    mostWritesIn10s: Math.max(...installations.map((installation) => mostWithin(writes.filter((w) => w.installationId === installation.id), 10_000))),
    appCpuMsPerIngest: appCpuMs / payloads.length,
    simulatorCpuMsPerIngest: (ownCpu.user + ownCpu.system) / 1000 / payloads.length,
  };
}

/** Ingests per minute one installation's pacing allows, given the writes its `ingests` made. */
function paceBound(writes: readonly LoggedRequest[], ingests: number): number {
  const notifying = writes.filter((w) => NOTIFYING_ROUTES.has(w.route)).length;
  const seconds = Math.max(writes.length * WRITE_SPACING_S, notifying * NOTIFYING_WRITE_SPACING_S);
  return (ingests / seconds) * 60;
}

function closestGap(writes: readonly LoggedRequest[]): number {
  const times = writes.map((w) => w.at).sort((a, b) => a - b);
  let closest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) closest = Math.min(closest, times[i]! - times[i - 1]!);
  return closest;
}

/** The most of `writes` that arrived within any `windowMs`. */
function mostWithin(writes: readonly LoggedRequest[], windowMs: number): number {
  const times = writes.map((w) => w.at).sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/**
 * One ingest per installation and process, left out of the figures: it creates the digest the first time,
 * and in every new process mints installation tokens and warms the code up, as a process that
 * has been running for a while would be.
 */
async function warmUp(world: { sim: GitHubSimulator; installations: Installation[] }, apps: readonly AppProcess[]): Promise<void> {
  await ingest({ ...world, apps, perInstallation: apps.length });
}

async function redisAnswers(): Promise<string | undefined> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `Redis at ${REDIS_URL}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    redis.disconnect();
  }
}

async function stopAll(apps: readonly AppProcess[]): Promise<void> {
  await Promise.all(apps.map((app) => app.stop({ graceMs: 30_000 })));
}

export async function benchThroughput(): Promise<BenchTable> {
  const rows: string[][] = [];
  const notes: string[] = [];
  const row = (setup: string, m: Measured, ratio: string, baseline: string) => [
    setup,
    formatCount(m.ingests),
    m.seconds.toFixed(1),
    m.perMinute.toFixed(1),
    m.writesPerIngest.toFixed(2),
    m.boundPerMinute.toFixed(1),
    ratio,
    baseline,
    formatCount(m.closestWritesMs),
    String(m.mostWritesIn10s),
    m.appCpuMsPerIngest.toFixed(0),
    m.simulatorCpuMsPerIngest.toFixed(0),
  ];

  // 1. One installation, the embedded database: against GitHub's pacing.
  {
    const world = await createWorld(1);
    const dataDir = mkdtempSync(join(tmpdir(), "audit-digest-throughput-"));
    const github = { GHE_HOST: world.server.host, GHE_PROTOCOL: "http", AUDIT_HMAC_KEYS: HMAC_KEYS };
    const app = await startAppProcess({ env: { ...github, DATA_DIR: dataDir }, readyTimeoutMs: READY_TIMEOUT_MS });
    try {
      await warmUp(world, [app]);
      const m = await ingest({ ...world, apps: [app], perInstallation: ONE_INSTALLATION_INGESTS });
      rows.push(row("1 installation, PGlite, 1 process", m, formatRatio(m.perMinute / m.boundPerMinute), `GitHub's pacing: ${m.boundPerMinute.toFixed(1)}/min`));
    } finally {
      await stopAll([app]);
      rmSync(dataDir, { recursive: true, force: true });
      await world.sim.close();
    }
  }

  // 2. Installations on PostgreSQL, pacing shared through Redis: one worker process, then two.
  for (const fleet of FLEETS) {
    const label = `${fleet.installations} installations, PostgreSQL`;
    const postgres = await createBenchDatabase();
    const redisProblem = await redisAnswers();
    if (postgres.url === undefined || redisProblem !== undefined) {
      notes.push(`${label} rows left out: ${postgres.url === undefined ? postgres.problem : redisProblem}`);
      await postgres.drop();
      continue;
    }
    const world = await createWorld(fleet.installations);
    const env = { GHE_HOST: world.server.host, GHE_PROTOCOL: "http", AUDIT_HMAC_KEYS: HMAC_KEYS, DATABASE_URL: postgres.url, REDIS_URL, ROLE: "all" };
    try {
      const one = await startAppProcess({ env, readyTimeoutMs: READY_TIMEOUT_MS });
      let single: Measured;
      try {
        await warmUp(world, [one]);
        single = await ingest({ ...world, apps: [one], perInstallation: fleet.perInstallation });
      } finally {
        await stopAll([one]);
      }
      rows.push(row(`${label}, 1 process`, single, "1.00×", "baseline"));
      const two = await Promise.all([startAppProcess({ env, readyTimeoutMs: READY_TIMEOUT_MS }), startAppProcess({ env, readyTimeoutMs: READY_TIMEOUT_MS })]);
      try {
        await warmUp(world, two);
        const double = await ingest({ ...world, apps: two, perInstallation: fleet.perInstallation });
        rows.push(row(`${label}, 2 processes`, double, formatRatio(double.perMinute / single.perMinute), "1 process"));
      } finally {
        await stopAll(two);
      }
    } finally {
      await world.sim.close();
      await postgres.drop();
    }
  }

  return {
    title: "End-to-end ingests per minute: signed workflow_run deliveries to the app over HTTP, GitHub simulated over HTTP",
    headers: ["setup", "ingests", "seconds", "ingests/min", "writes/ingest", "pacing bound/min", "ratio", "baseline", "closest writes (ms)", "most writes in 10 s", "app CPU ms/ingest", "simulator CPU ms/ingest"],
    rows,
    notes: [
      "Each ingest is a new commit's run whose artifact moves one finding, so the digest issue is read and patched. Before each measurement, one run per installation and process is ingested and not counted (the first creates the digests; in new processes it mints tokens and warms the code up).",
      `Time runs from the first delivery to the last GitHub write of the ingests. "pacing bound": the ingests per minute GitHub's write pacing allows for those writes (${WRITE_SPACING_S} s between an installation's writes, ${NOTIFYING_WRITE_SPACING_S} s between those that notify), summed over the installations; "closest writes" and "most writes in 10 s": of one installation, across processes, as the simulator received them (the limiter spaces the starts of writes; their arrival varies with the load).`,
      "Processes run ROLE=all with WORKER_CONCURRENCY 4 (the default) and share DATABASE_URL and REDIS_URL; deliveries are spread over their webhook URLs.",
      `Load average at the end: ${loadavg().map((n) => n.toFixed(1)).join(", ")} on ${availableParallelism()} CPUs.`,
      ...notes,
    ],
  };
}
