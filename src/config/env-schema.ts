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
  APP_ID: z.string().regex(/^\d+$/, "must be the numeric GitHub App ID").optional(),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(1).optional().describe("required whenever APP_ID is set"),
  WEBHOOK_PATH: z.string().startsWith("/").default("/api/github/webhooks"),
  WEBHOOK_PROXY_URL: z.url().optional().describe("a smee.io channel that forwards GitHub's webhooks to WEBHOOK_PATH here"),
  BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be the app's public http(s) address, e.g. https://audit.example.com" })
    .optional()
    .describe("the app's public address; the setup flow registers <BASE_URL><WEBHOOK_PATH> as the webhook URL"),
  GHE_HOST: z.string().optional().describe("host of GitHub Enterprise Server or of a GitHub simulator"),
  GHE_PROTOCOL: z.enum(["http", "https"]).default("https"),
  GH_ORG: z.string().optional().describe("organisation to register the app on during setup"),
  HOST: z.string().default("0.0.0.0"),
  PORT: wholeNumber({ min: 1, max: 65535 }).default(3000),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection URL")
    .optional(),
  DATA_DIR: z.string().default("./data"),
  FALLBACK_DIR: z
    .string()
    .optional()
    .describe("folder that also receives every fallback record as one JSON file (mode 0600, written atomically)"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").optional(),
  AUDIT_HMAC_KEYS: z
    .string()
    .optional()
    .describe("`key_id:secret` pairs, comma-separated; each secret hex or base64 of at least 32 bytes (see parseHmacKeys)"),
  WORKER_CONCURRENCY: wholeNumber({ min: 1, max: 64 }).default(4),
  JOB_POLL_INTERVAL_SECONDS: number({ min: 0.5, max: 60 }).default(2),
  SHUTDOWN_TIMEOUT_SECONDS: wholeNumber({ min: 1, max: 600 }).default(25),
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
