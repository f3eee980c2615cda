import { z } from "zod";

const booleanish = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** A whole number in `[min, max]`; every way of missing it gets the same message saying what to set. */
function wholeNumber({ min, max }: { min: number; max: number }) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** A number in `[min, max]`, fractions allowed. */
function number({ min, max }: { min: number; max: number }) {
  const error = `must be a number from ${min} to ${max}`;
  return z.coerce.number({ error }).min(min, { error }).max(max, { error });
}

/**
 * Every environment variable the app reads, with its default. `.env.example` lists the same
 * variables; `loadEnvConfig` is the only place that reads `process.env`.
 */
export const envSchema = z.object({
  NODE_ENV: z.string().default("development").describe("`production` requires the app credentials and logs JSON"),
  ROLE: z
    .enum(["all", "web", "worker"])
    .default("all")
    .describe(
      "`web` serves HTTP and enqueues, `worker` runs jobs and schedules, `all` does both; `web` and `worker` need DATABASE_URL",
    ),
  APP_ID: z
    .string()
    .regex(/^\d+$/, "must be the numeric GitHub App ID")
    .optional()
    .describe("the GitHub App's numeric ID; with PRIVATE_KEY and WEBHOOK_SECRET, required in production")
    .meta({ examples: ["123456"] }),
  PRIVATE_KEY: z.string().optional().describe("contents of the app's .pem private key (newlines as \\n, or base64)"),
  PRIVATE_KEY_PATH: z
    .string()
    .optional()
    .describe("path of the app's .pem private key file, instead of PRIVATE_KEY")
    .meta({ examples: ["./private-key.pem"] }),
  WEBHOOK_SECRET: z.string().min(1).optional().describe("required whenever APP_ID is set"),
  WEBHOOK_PATH: z.string().startsWith("/").default("/api/github/webhooks").describe("path webhooks arrive on"),
  WEBHOOK_PROXY_URL: z.url().optional().describe("a smee.io channel that forwards GitHub's webhooks to WEBHOOK_PATH here")
    .meta({ examples: ["https://smee.io/your-channel"] }),
  BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be the app's public http(s) address, e.g. https://audit.example.com" })
    .optional()
    .describe("the app's public address; the setup flow registers <BASE_URL><WEBHOOK_PATH> as the webhook URL")
    .meta({ examples: ["https://audit.example.com"] }),
  GHE_HOST: z
    .string()
    .optional()
    .describe("host of GitHub Enterprise Server or of a GitHub simulator")
    .meta({ examples: ["github.example.com"] }),
  GHE_PROTOCOL: z.enum(["http", "https"]).default("https").describe("protocol of GHE_HOST; the API is at <protocol>://<host>/api/v3"),
  GH_ORG: z.string().optional().describe("organisation to register the app on during setup"),
  HOST: z.string().default("0.0.0.0").describe("address the HTTP listener binds"),
  PORT: wholeNumber({ min: 1, max: 65535 }).default(3000).describe("port the HTTP listener binds"),
  METRICS_PORT: wholeNumber({ min: 1, max: 65535 })
    .optional()
    .describe("port of a listener of its own for GET /metrics (on HOST), in every ROLE; unset: /metrics is on PORT, and a ROLE=worker process serves none")
    .meta({ examples: ["9464"] }),
  LOG_LEVEL: z
    .enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"])
    .default("info")
    .describe("pino log level"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional().describe("log output; unset: json in production, else pretty"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection URL")
    .optional()
    .describe("PostgreSQL for several replicas or for ROLE=web/worker; unset: embedded PGlite in DATA_DIR")
    .meta({ examples: ["postgres://audit@db.example.com:5432/audit_digest"] }),
  DATA_DIR: z.string().default("./data").describe("PGlite data directory, used when DATABASE_URL is unset"),
  FALLBACK_DIR: z
    .string()
    .optional()
    .describe("folder that also receives every fallback record as one JSON file (mode 0600, written atomically)"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .optional()
    .describe("Redis shared by replicas for GitHub request throttling")
    .meta({ examples: ["redis://redis.example.com:6379"] }),
  AUDIT_HMAC_KEYS: z
    .string()
    .optional()
    .describe("`key_id:secret` pairs, comma-separated; each secret hex or base64 of at least 32 bytes (see parseHmacKeys)"),
  WORKER_CONCURRENCY: wholeNumber({ min: 1, max: 64 }).default(4).describe("jobs run at once per job kind in this process"),
  JOB_POLL_INTERVAL_SECONDS: number({ min: 0.5, max: 60 })
    .default(2)
    .describe("seconds a worker waits before asking again after finding its queue empty"),
  JOB_LEASE_SECONDS: number({ min: 3, max: 600 })
    .default(45)
    .describe(
      "seconds a running job stays claimed without its worker renewing the claim (renewed every third of it); a crashed worker's jobs run again within about this plus a third",
    ),
  SHUTDOWN_TIMEOUT_SECONDS: wholeNumber({ min: 1, max: 600 })
    .default(25)
    .describe("longest wait for running jobs on SIGTERM; jobs still running then fail and are retried"),
  STALE_CHECK_HOURS: number({ min: 1, max: 720 })
    .default(6)
    .describe("hours a queued gate check waits for an artifact before it completes neutral"),
  LEDGER_RETENTION_DAYS: wholeNumber({ min: 1, max: 3650 })
    .default(30)
    .describe("days webhook delivery ids, redelivery counts and superseded ingest attempts are kept"),
  HISTORY_RETENTION_DAYS: wholeNumber({ min: 1, max: 3650 })
    .default(90)
    .describe("days the latest ingest of each commit, finding state resolved that long ago and completed check runs are kept"),
  INSTALLATION_PURGE_DAYS: wholeNumber({ min: 0, max: 3650 })
    .default(30)
    .describe("days a deleted installation's data is kept before it is purged"),
  SCHEDULES_ENABLED: booleanish.default(true).describe("turn off cron schedules on this process"),
});

export type Env = z.infer<typeof envSchema>;
