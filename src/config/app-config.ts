import type { HmacKey } from "../artifact/parse-hmac-keys.js";

/** The typed configuration of one process, built once from the environment by `loadEnvConfig`. */
export interface AppConfig {
  production: boolean;
  role: "all" | "web" | "worker";
  /** No app credentials outside production: serve Probot's setup flow that registers the app. */
  needsSetup: boolean;
  github: {
    appId: number | undefined;
    privateKey: string | undefined;
    /** Verifies webhook signatures; always set when `needsSetup` is false (APP_ID requires it). */
    webhookSecret: string | undefined;
    webhookPath: string;
    webhookProxyUrl: string | undefined;
    /** REST API base URL; undefined means api.github.com. */
    baseUrl: string | undefined;
    /** Host used in links to files and issues (github.com or the GHE host). */
    webHost: string;
    webProtocol: "http" | "https";
    org: string | undefined;
  };
  server: {
    host: string;
    port: number;
    /** Port of the listener of its own that serves `/metrics` (`METRICS_PORT`); undefined: `/metrics` is on `port`. */
    metricsPort: number | undefined;
    /** The app's public address (`BASE_URL`, no trailing slash): the setup flow registers `<publicUrl><webhookPath>`. */
    publicUrl: string | undefined;
  };
  log: { level: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent"; format: "json" | "pretty" };
  database: { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };
  /** Folder that also receives every fallback record as a JSON file (`FALLBACK_DIR`); unset: the database only. */
  fallbackDir: string | undefined;
  redisUrl: string | undefined;
  /** Keys that verify artifact signatures, from `AUDIT_HMAC_KEYS`; never logged. */
  hmacKeys: HmacKey[];
  worker: {
    concurrency: number;
    pollIntervalSeconds: number;
    /** A running job's lease (see `JobLeaseSettings`): a dead worker's jobs run again about this long after it stopped renewing. */
    leaseSeconds: number;
    shutdownTimeoutSeconds: number;
  };
  schedulesEnabled: boolean;
  retention: {
    /** Days delivery ids, redelivery counts and superseded ingest attempts are kept. */
    ledgerDays: number;
    /** Days the latest ingest of a commit, resolved finding state and completed check runs are kept. */
    historyDays: number;
    /** Days a deleted installation's data is kept before it is purged. */
    deletedInstallationDays: number;
  };
  /** Hours a queued gate check waits for an artifact before it completes as neutral. */
  staleCheckHours: number;
}
