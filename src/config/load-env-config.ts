import { getPrivateKey } from "@probot/get-private-key";
import { parseHmacKeys } from "../artifact/parse-hmac-keys.js";
import type { AppConfig } from "./app-config.js";
import { envSchema } from "./env-schema.js";

/** Thrown when the environment cannot make a valid configuration; lists every problem at once. */
export class EnvConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        "\nSet these variables in the environment or in .env (see .env.example).",
    );
    this.name = "EnvConfigError";
  }
}

const HOW_TO: Record<string, string> = {
  APP_ID: "set APP_ID to the numeric ID shown on the GitHub App's settings page",
  PRIVATE_KEY:
    "set PRIVATE_KEY to the contents of the app's .pem private key (or base64 of it), or PRIVATE_KEY_PATH to the file",
  WEBHOOK_SECRET: "set WEBHOOK_SECRET to the webhook secret entered in the GitHub App's settings",
};

/**
 * Parses the environment once into the typed `AppConfig`. Nothing else in the app reads
 * `process.env`. Throws `EnvConfigError` naming every missing or invalid variable.
 */
export function loadEnvConfig(env: Record<string, string | undefined>, cwd = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(withoutEmptyValues(env));
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join(".")}: ${issue.message}`);
    }
    throw new EnvConfigError(problems);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";

  let privateKey: string | undefined;
  try {
    if (e.PRIVATE_KEY || e.PRIVATE_KEY_PATH) {
      privateKey =
        getPrivateKey({ env: { PRIVATE_KEY: e.PRIVATE_KEY, PRIVATE_KEY_PATH: e.PRIVATE_KEY_PATH }, cwd }) ?? undefined;
    }
  } catch (error) {
    problems.push(`PRIVATE_KEY: ${describeKeyError(error)}; ${HOW_TO.PRIVATE_KEY}`);
  }
  const missing = {
    APP_ID: !e.APP_ID,
    PRIVATE_KEY: !privateKey && problems.length === 0,
    WEBHOOK_SECRET: !e.WEBHOOK_SECRET,
  };
  const hasCredentials = !missing.APP_ID && !missing.PRIVATE_KEY && problems.length === 0;
  if (production) {
    for (const [name, isMissing] of Object.entries(missing)) {
      if (isMissing) problems.push(`${name} is missing: ${HOW_TO[name]}`);
    }
  }
  const hmacKeys = parseHmacKeys(e.AUDIT_HMAC_KEYS);
  if (!hmacKeys.ok) problems.push(`AUDIT_HMAC_KEYS: ${hmacKeys.error}`);
  if (problems.length > 0 || !hmacKeys.ok) throw new EnvConfigError(problems);

  const webHost = e.GHE_HOST ?? "github.com";
  return {
    production,
    role: e.ROLE,
    needsSetup: !hasCredentials,
    github: {
      appId: e.APP_ID ? Number(e.APP_ID) : undefined,
      privateKey,
      webhookSecret: e.WEBHOOK_SECRET ?? "development",
      webhookPath: e.WEBHOOK_PATH,
      webhookProxyUrl: e.WEBHOOK_PROXY_URL,
      baseUrl: e.GHE_HOST ? `${e.GHE_PROTOCOL}://${e.GHE_HOST}/api/v3` : undefined,
      webHost,
      webProtocol: e.GHE_HOST ? e.GHE_PROTOCOL : "https",
      org: e.GH_ORG,
    },
    server: { host: e.HOST, port: e.PORT },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (production ? "json" : "pretty") },
    database: e.DATABASE_URL ? { kind: "postgres", url: e.DATABASE_URL } : { kind: "pglite", dataDir: e.DATA_DIR },
    redisUrl: e.REDIS_URL,
    hmacKeys: hmacKeys.keys,
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      pollIntervalSeconds: e.JOB_POLL_INTERVAL_SECONDS,
      shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    },
    schedulesEnabled: e.SCHEDULES_ENABLED,
    retention: { ledgerDays: e.LEDGER_RETENTION_DAYS },
    staleCheckHours: e.STALE_CHECK_HOURS,
  };
}

function withoutEmptyValues(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

function describeKeyError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The library's messages are about the variable, never the key material.
  return message.replace(/^\[@probot\/get-private-key\]\s*/, "");
}
