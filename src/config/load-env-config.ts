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

const HOW_TO = {
  APP_ID: "set APP_ID to the numeric ID shown on the GitHub App's settings page",
  PRIVATE_KEY:
    "set PRIVATE_KEY to the contents of the app's .pem private key (or base64 of it), or PRIVATE_KEY_PATH to the file",
  WEBHOOK_SECRET: "set WEBHOOK_SECRET to the webhook secret entered in the GitHub App's settings",
} as const;

type Env = Record<string, string>;

/**
 * Parses the environment once into the typed `AppConfig`. Nothing else in the app reads
 * `process.env`. Throws one `EnvConfigError` naming every missing or invalid variable: the
 * schema's, the private key's, the HMAC keys' and the rules between variables, all in one run.
 * No message repeats a secret.
 */
export function loadEnvConfig(env: Record<string, string | undefined>, cwd = process.cwd()): AppConfig {
  const raw = withoutEmptyValues(env);
  const parsed = envSchema.safeParse(raw);
  const privateKey = readPrivateKey({ env: raw, cwd });
  const hmacKeys = parseHmacKeys(raw.AUDIT_HMAC_KEYS);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)),
    ...(privateKey.ok ? [] : [privateKey.problem]),
    ...credentialProblems({ env: raw, privateKeyGiven: !privateKey.ok || privateKey.key !== undefined }),
    ...(hmacKeys.ok ? [] : hmacKeys.errors),
    ...roleProblems(raw),
  ];
  if (problems.length > 0 || !parsed.success || !privateKey.ok || !hmacKeys.ok) throw new EnvConfigError(problems);

  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const webHost = e.GHE_HOST ?? "github.com";
  return {
    production,
    role: e.ROLE,
    needsSetup: e.APP_ID === undefined || privateKey.key === undefined,
    github: {
      appId: e.APP_ID ? Number(e.APP_ID) : undefined,
      privateKey: privateKey.key,
      webhookSecret: e.WEBHOOK_SECRET,
      webhookPath: e.WEBHOOK_PATH,
      webhookProxyUrl: e.WEBHOOK_PROXY_URL,
      baseUrl: e.GHE_HOST ? `${e.GHE_PROTOCOL}://${e.GHE_HOST}/api/v3` : undefined,
      webHost,
      webProtocol: e.GHE_HOST ? e.GHE_PROTOCOL : "https",
      org: e.GH_ORG,
    },
    server: { host: e.HOST, port: e.PORT, metricsPort: e.METRICS_PORT, publicUrl: e.BASE_URL?.replace(/\/+$/, "") },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (production ? "json" : "pretty") },
    database: e.DATABASE_URL ? { kind: "postgres", url: e.DATABASE_URL } : { kind: "pglite", dataDir: e.DATA_DIR },
    fallbackDir: e.FALLBACK_DIR,
    redisUrl: e.REDIS_URL,
    hmacKeys: hmacKeys.keys,
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      pollIntervalSeconds: e.JOB_POLL_INTERVAL_SECONDS,
      leaseSeconds: e.JOB_LEASE_SECONDS,
      shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    },
    schedulesEnabled: e.SCHEDULES_ENABLED,
    retention: {
      ledgerDays: e.LEDGER_RETENTION_DAYS,
      historyDays: e.HISTORY_RETENTION_DAYS,
      deletedInstallationDays: e.INSTALLATION_PURGE_DAYS,
    },
    staleCheckHours: e.STALE_CHECK_HOURS,
  };
}

type PrivateKeyResult = { ok: true; key: string | undefined } | { ok: false; problem: string };

function readPrivateKey({ env, cwd }: { env: Env; cwd: string }): PrivateKeyResult {
  if (env.PRIVATE_KEY === undefined && env.PRIVATE_KEY_PATH === undefined) return { ok: true, key: undefined };
  try {
    const key = getPrivateKey({ env: { PRIVATE_KEY: env.PRIVATE_KEY, PRIVATE_KEY_PATH: env.PRIVATE_KEY_PATH }, cwd }) ?? undefined;
    return { ok: true, key };
  } catch (error) {
    return { ok: false, problem: `PRIVATE_KEY: ${describeKeyError(error)}; ${HOW_TO.PRIVATE_KEY}` };
  }
}

/**
 * In production every credential is required. In any environment, an app ID means the app
 * runs with real credentials, so webhooks must be verified with the app's secret: there is
 * no default secret that anyone could sign with. Without an app ID (outside production) the
 * setup flow registers the app and writes all three.
 */
function credentialProblems({ env, privateKeyGiven }: { env: Env; privateKeyGiven: boolean }): string[] {
  const production = env.NODE_ENV === "production";
  const problems: string[] = [];
  if (production && env.APP_ID === undefined) problems.push(`APP_ID is missing: ${HOW_TO.APP_ID}`);
  if (production && !privateKeyGiven) problems.push(`PRIVATE_KEY is missing: ${HOW_TO.PRIVATE_KEY}`);
  if (env.WEBHOOK_SECRET === undefined && (production || env.APP_ID !== undefined)) {
    const why = env.APP_ID !== undefined ? " (required whenever APP_ID is set, so that only GitHub can deliver webhooks)" : "";
    problems.push(`WEBHOOK_SECRET is missing${why}: ${HOW_TO.WEBHOOK_SECRET}`);
  }
  return problems;
}

/** Embedded PGlite lives inside one process: its locks and queue cannot be shared by a web and a worker process. */
function roleProblems(env: Env): string[] {
  if (env.DATABASE_URL !== undefined || (env.ROLE !== "web" && env.ROLE !== "worker")) return [];
  return [
    `ROLE=${env.ROLE} needs DATABASE_URL: without it the app keeps its state in embedded PGlite, which lives inside ` +
      "one process; set DATABASE_URL to the PostgreSQL database shared by the web and worker processes, or use ROLE=all",
  ];
}

function withoutEmptyValues(env: Record<string, string | undefined>): Env {
  const out: Env = {};
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
