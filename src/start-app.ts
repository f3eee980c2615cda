import type { Logger } from "pino";
import { Probot, Server } from "probot";
import { createApp } from "./app.js";
import type { AppConfig } from "./config/app-config.js";
import type { Database } from "./db/database.js";
import { openDatabase } from "./db/open-database.js";
import { prepareFallbackDir } from "./fallback/prepare-fallback-dir.js";
import { writeMissingFallbackFiles } from "./fallback/write-missing-fallback-files.js";
import { runMigrations } from "./db/run-migrations.js";
import { createOctokitClass, type OctokitClassOptions } from "./github/create-octokit-class.js";
import { RateLimitTracker } from "./github/rate-limit-tracker.js";
import { enqueueWebhookJobs } from "./jobs/enqueue-webhook-job.js";
import { intakeActivityOf } from "./jobs/intake-activity.js";
import { JobQueue } from "./jobs/job-queue.js";
import type { JobName } from "./jobs/job-payloads.js";
import type { JobPolicy } from "./jobs/job-policies.js";
import { startWorkers } from "./jobs/start-workers.js";
import { WebhookJobBatcher } from "./jobs/webhook-job-batcher.js";
import { createLogger } from "./logging/create-logger.js";
import { countWebhookResponses } from "./metrics/count-webhook-responses.js";
import { createMetrics, type Metrics } from "./metrics/create-metrics.js";
import { createHealthHandler } from "./server/health-handler.js";
import { createMetricsHandler } from "./server/metrics-handler.js";
import { startMetricsServer, type MetricsServer } from "./server/start-metrics-server.js";
import { expectWebhookDeliveries } from "./webhooks/expect-webhook-deliveries.js";

export interface StartAppOptions {
  config: AppConfig;
  log?: Logger;
  /** Octokit request options, e.g. `{ fetch }` of an in-process GitHub simulator. */
  request?: { fetch: typeof fetch };
  octokit?: OctokitClassOptions;
  /** Overrides of the job retry policies (e.g. shorter delays). */
  jobPolicies?: Partial<Record<JobName, JobPolicy>>;
}

export interface RunningApp {
  /** Port the HTTP server listens on; undefined for `ROLE=worker`. */
  port: number | undefined;
  /** Port of the listener of its own that serves `/metrics` (`METRICS_PORT`); undefined when `/metrics` is on `port`. */
  metricsPort: number | undefined;
  db: Database;
  queue: JobQueue;
  metrics: Metrics;
  log: Logger;
  /** Stops taking webhooks and jobs, lets running jobs finish (bounded), closes the database. */
  stop(): Promise<void>;
}

/** Starts one process of the app in the role its configuration names. */
export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const { config } = options;
  // Probot would verify webhooks with a default secret that anyone can sign with.
  if (config.github.webhookSecret === undefined) throw new Error("startApp: WEBHOOK_SECRET is required to run the app");
  const web = config.role !== "worker";
  const worker = config.role !== "web";

  // 1. Logger, fallback folder (leftover temporary files removed), database, schema.
  const log = options.log ?? (await createLogger(config.log));
  if (config.fallbackDir !== undefined) {
    const leftovers = await prepareFallbackDir(config.fallbackDir);
    if (leftovers > 0) log.warn({ fallbackDir: config.fallbackDir, removed: leftovers }, "temporary fallback files of an interrupted write removed");
  }
  const db = await openDatabase(config.database);
  const applied = await runMigrations({ db });
  if (applied.length > 0) log.info({ applied }, "database migrations applied");
  if (config.fallbackDir !== undefined) {
    const written = await writeMissingFallbackFiles({ db, dir: config.fallbackDir });
    if (written > 0) log.warn({ fallbackDir: config.fallbackDir, written }, "fallback files of records committed just before a crash written");
  }

  // 2. Job queue; maintenance and schedules run where workers run.
  const queue = await JobQueue.start({
    db,
    databaseUrl: config.database.kind === "postgres" ? config.database.url : undefined,
    log,
    supervise: worker,
    policies: options.jobPolicies,
    lease: { leaseSeconds: config.worker.leaseSeconds },
  });
  const metrics = createMetrics({ queue, db });

  // 3. Probot, with the app's Octokit: rate limits fail fast so the job is deferred, short secondary waits and 5xx retried in place.
  const ProbotWithDefaults = Probot.defaults({
    appId: config.github.appId,
    privateKey: config.github.privateKey,
    secret: config.github.webhookSecret,
    baseUrl: config.github.baseUrl,
    redisConfig: config.redisUrl,
    log,
    Octokit: createOctokitClass({ ...options.octokit, metrics }),
    ...(options.request ? { request: options.request } : {}),
  });

  // 4. Web: webhooks in, jobs out; health and metrics routes (metrics on a port of their own with METRICS_PORT, in every role).
  const metricsServer: MetricsServer | undefined =
    config.server.metricsPort === undefined
      ? undefined
      : await startMetricsServer({ registry: metrics.registry, host: config.server.host, port: config.server.metricsPort, log });
  let server: Server | undefined;
  if (web) {
    server = new Server({
      Probot: ProbotWithDefaults,
      host: config.server.host,
      port: config.server.port,
      webhookPath: config.github.webhookPath,
      webhookProxy: config.github.webhookProxyUrl,
      log,
      enableStaticFiles: false,
    });
    // Deliveries arriving together are committed together (group commit): one statement per batch, each answered after it.
    // While it is busy, the job queue's statements on PGlite wait (bounded): a burst is answered first.
    const intake = new WebhookJobBatcher({ write: (deliveries) => enqueueWebhookJobs({ db, queue, deliveries }), activity: intakeActivityOf(db) });
    await server.load(createApp({ log, metrics, enqueue: (delivery) => intake.enqueue(delivery) }));
    server.addHandler(createHealthHandler({ db, queue, log }));
    if (metricsServer === undefined) server.addHandler(createMetricsHandler(metrics.registry));
    const httpServer = await server.start();
    expectWebhookDeliveries({ httpServer, webhookPath: config.github.webhookPath, batcher: intake });
    countWebhookResponses({ httpServer, webhookPath: config.github.webhookPath, counter: metrics.webhookResponses });
  }

  // 5. Worker: one worker per job kind, and the schedules. Their code (the jobs' modules and
  // what those load) is loaded here, where workers run: a ROLE=web process never loads it.
  if (worker) {
    const [{ jobHandlers }, { scheduledTasks }] = await Promise.all([import("./job-handlers.js"), import("./schedules/scheduled-tasks.js")]);
    const probot = new ProbotWithDefaults({});
    await startWorkers({
      tasks: scheduledTasks,
      db,
      queue,
      log,
      config,
      metrics,
      handlers: jobHandlers,
      rateLimits: new RateLimitTracker(metrics.githubRateLimitRemaining, metrics.githubRateLimitReset),
      authenticate: (installationId) => probot.auth(installationId),
      authenticateApp: () => probot.auth(),
    });
  }
  log.info({ role: config.role, database: config.database.kind, port: server?.port, metricsPort: metricsServer?.port }, "audit-digest started");

  let stopping: Promise<void> | undefined;
  return {
    port: server?.port,
    metricsPort: metricsServer?.port,
    db,
    queue,
    metrics,
    log,
    stop: () =>
      (stopping ??= (async () => {
        await server?.stop();
        await queue.stop(config.worker.shutdownTimeoutSeconds);
        await metricsServer?.close();
        await db.close();
        log.info("audit-digest stopped");
      })()),
  };
}
