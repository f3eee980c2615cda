import { randomUUID } from "node:crypto";
import { pino, type Logger } from "pino";
import { Probot } from "probot";
import { createOctokitClass, type OctokitClassOptions } from "../../src/github/create-octokit-class.js";
import { jobHandlers } from "../../src/job-handlers.js";
import type { JobHandler } from "../../src/jobs/job-handler.js";
import type { JobData, JobName } from "../../src/jobs/job-payloads.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { createMetrics } from "../../src/metrics/create-metrics.js";
import { RateLimitTracker } from "../../src/github/rate-limit-tracker.js";
import { runQueuedJob, type JobRunner } from "../../src/jobs/run-queued-job.js";
import type { ScheduledTaskContext } from "../../src/jobs/scheduled-task.js";
import type { PgliteDatabase } from "../../src/db/create-pglite-database.js";
import type { Database } from "../../src/db/database.js";
import { createGitHubSimulator, type GitHubSimulator } from "./github-simulator/index.js";
import { TEST_APP_ID, testConfig, testPrivateKey } from "./test-config.js";
import { createTestDatabase } from "./test-database.js";

export const INSTALLATION_ID = 1;
export const OWNER = "acme";
export const REPO = "app";
export const HMAC_KEYS = "k1:0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff,k2:YXVkaXQtZGlnZXN0IHNlY29uZCB0ZXN0IGtleSAzMmI=";

export interface AppHarness {
  sim: GitHubSimulator;
  db: Database;
  queue: JobQueue;
  /** What the worker shares between jobs (its rate-limit tracker included). */
  runner: JobRunner;
  /** What a scheduled task gets in this worker. */
  taskContext: ScheduledTaskContext;
  /** Runs a job the way a worker does (deferral on a spent budget included), for the test installation. */
  runJob<N extends JobName>(name: N, data: Omit<JobData<N>, "installationId" | "deliveryId">): Promise<void>;
  close(): Promise<void>;
}

/**
 * The app's workers against the GitHub simulator: a PGlite clone, the real job handlers, and
 * Probot's installation Octokit whose requests go to the in-process simulator. Request spacing
 * is off (tests that are about throttling turn it on themselves).
 */
export async function createAppHarness({
  env = {},
  db: givenDb,
  sim: givenSim,
  permissions = { actions: "read", checks: "write", issues: "write", contents: "read", metadata: "read", pull_requests: "read" },
  simOptions = {},
  octokit = { throttle: false },
  log = pino({ level: "silent" }),
}: {
  /** Options of a new simulator (rate limits, clock…). */
  simOptions?: Parameters<typeof createGitHubSimulator>[0];
  /**
   * Options of the app's Octokit class; default `{ throttle: false }`. Tests about rate limits
   * pass e.g. `{ retryAfterBaseValue: 1 }`: throttling on, waits shortened.
   */
  octokit?: OctokitClassOptions;
  env?: Record<string, string>;
  /** A database to use instead of a fresh PGlite clone (left open on close). */
  db?: Database;
  /** A simulator shared with another harness (another worker process of the same app). */
  sim?: GitHubSimulator;
  permissions?: Record<string, "read" | "write">;
  /** The logger of the workers and of Probot (and so of Octokit); silent by default. */
  log?: Logger;
} = {}): Promise<AppHarness> {
  const sim = givenSim ?? createGitHubSimulator({ ...simOptions, app: { id: TEST_APP_ID } });
  if (!givenSim) {
    sim.createInstallation({ id: INSTALLATION_ID, account: OWNER, permissions });
    sim.createRepository({ owner: OWNER, name: REPO });
  }
  const db: Database | PgliteDatabase = givenDb ?? (await createTestDatabase());
  const config = testConfig({ AUDIT_HMAC_KEYS: HMAC_KEYS, ...env });
  const queue = await JobQueue.start({ db, databaseUrl: env.DATABASE_URL, log, supervise: false });
  const metrics = createMetrics({ queue, db });
  const probot = new Probot({
    appId: TEST_APP_ID,
    privateKey: testPrivateKey,
    log,
    Octokit: createOctokitClass(octokit),
    request: { fetch: sim.fetch },
  });
  const simClock = simOptions.now;
  const runner: JobRunner = {
    db,
    queue,
    log,
    config,
    metrics,
    rateLimits: new RateLimitTracker(metrics.githubRateLimitRemaining),
    authenticate: (installationId) => probot.auth(installationId),
    authenticateApp: () => probot.auth(),
    // The worker reads rate-limit resets on the simulator's clock when a test controls it.
    ...(simClock ? { now: () => new Date(simClock()) } : {}),
  };
  return {
    sim,
    db,
    queue,
    runner,
    taskContext: { db, config, log, queue, signal: new AbortController().signal, githubApp: runner.authenticateApp, github: runner.authenticate },
    async runJob(name, data) {
      const job = { id: randomUUID(), name, data: { ...data, installationId: INSTALLATION_ID, deliveryId: null } as JobData<typeof name> };
      await runQueuedJob(job, jobHandlers[name] as JobHandler<typeof name>, runner);
    },
    async close() {
      await queue.stop(5);
      if (!givenDb) await db.close();
    },
  };
}
