import { z } from "zod";

const booleanish = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/**
 * Every environment variable the app reads, with its default. `.env.example` lists the same
 * variables; `loadEnvConfig` is the only place that reads `process.env`.
 */
export const envSchema = z.object({
  NODE_ENV: z.string().default("development").describe("`production` requires the app credentials"),
  ROLE: z
    .enum(["all", "web", "worker"])
    .default("all")
    .describe("`web` serves HTTP and enqueues, `worker` runs jobs and schedules, `all` does both"),
  APP_ID: z.string().regex(/^\d+$/, "must be the numeric GitHub App ID").optional(),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(1).optional(),
  WEBHOOK_PATH: z.string().startsWith("/").default("/api/github/webhooks"),
  WEBHOOK_PROXY_URL: z.url().optional(),
  GHE_HOST: z.string().optional().describe("host of GitHub Enterprise Server or of a GitHub simulator"),
  GHE_PROTOCOL: z.enum(["http", "https"]).default("https"),
  GH_ORG: z.string().optional().describe("organisation to register the app on during setup"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection URL")
    .optional(),
  DATA_DIR: z.string().default("./data"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").optional(),
  AUDIT_HMAC_KEYS: z.string().optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  JOB_POLL_INTERVAL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(25),
  STALE_CHECK_HOURS: z.coerce
    .number()
    .min(1)
    .max(720)
    .default(6)
    .describe("hours a queued gate check waits for an artifact before it completes neutral"),
  LEDGER_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SCHEDULES_ENABLED: booleanish.default(true).describe("turn off cron schedules on this process"),
});

export type Env = z.infer<typeof envSchema>;
