import { describe, expect, it } from "vitest";
import { EnvConfigError, loadEnvConfig } from "../../src/config/load-env-config.js";
import { testPrivateKey } from "../support/test-config.js";

const KEY_32 = "0f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff";

/** The error `loadEnvConfig` throws for `env`; fails the test when it returns a config instead. */
function configError(env: Record<string, string | undefined>, cwd = "/nonexistent"): EnvConfigError {
  try {
    loadEnvConfig(env, cwd);
  } catch (error) {
    if (error instanceof EnvConfigError) return error;
    throw error;
  }
  throw new Error("expected an invalid configuration, got a valid one");
}

describe("loadEnvConfig", () => {
  it("in production, names every missing credential and how to set it, in one error", () => {
    const { problems, message } = configError({ NODE_ENV: "production" });
    expect(problems).toHaveLength(3);
    expect(message).toContain("APP_ID is missing: set APP_ID to the numeric ID");
    expect(message).toContain("PRIVATE_KEY is missing");
    expect(message).toContain("WEBHOOK_SECRET is missing: set WEBHOOK_SECRET to the webhook secret");
  });

  it("reports invalid values with the variable's name and what to set, all at once", () => {
    const { problems } = configError({ PORT: "eighty", ROLE: "both", DATABASE_URL: "mysql://x", STALE_CHECK_HOURS: "0.1" });
    expect(problems).toEqual([
      'ROLE: Invalid option: expected one of "all"|"web"|"worker"',
      "PORT: must be a whole number from 1 to 65535",
      "DATABASE_URL: must be a postgres:// connection URL",
      "STALE_CHECK_HOURS: must be a number from 1 to 720",
    ]);
  });

  it("never repeats a private key it could not read", () => {
    const bogus = "-----BEGIN NOT A KEY----- c2VjcmV0LWtleS1tYXRlcmlhbA";
    const { message } = configError({ NODE_ENV: "production", APP_ID: "1", WEBHOOK_SECRET: "s", PRIVATE_KEY: bogus });
    expect(message).toContain("PRIVATE_KEY");
    expect(message).not.toContain("c2VjcmV0");
  });

  it("outside production without credentials, asks for the setup flow", () => {
    const config = loadEnvConfig({}, "/nonexistent");
    expect(config.needsSetup).toBe(true);
    expect(config.github.webhookSecret).toBeUndefined();
    expect(config.database).toEqual({ kind: "pglite", dataDir: "./data" });
    expect(config.role).toBe("all");
  });

  it.each(["development", "test", "production"])("with APP_ID set, refuses a missing WEBHOOK_SECRET (NODE_ENV=%s)", (nodeEnv) => {
    const { problems } = configError({ NODE_ENV: nodeEnv, APP_ID: "12", PRIVATE_KEY: testPrivateKey });
    expect(problems).toEqual([
      "WEBHOOK_SECRET is missing (required whenever APP_ID is set, so that only GitHub can deliver webhooks): " +
        "set WEBHOOK_SECRET to the webhook secret entered in the GitHub App's settings",
    ]);
  });

  it("with APP_ID set and no private key outside production, still needs the secret before the setup flow", () => {
    expect(configError({ APP_ID: "12" }).problems).toEqual([expect.stringMatching(/^WEBHOOK_SECRET is missing/)]);
    const config = loadEnvConfig({ APP_ID: "12", WEBHOOK_SECRET: "s" }, "/nonexistent");
    expect(config.needsSetup).toBe(true);
  });

  it("with the credentials, runs with the given webhook secret", () => {
    const config = loadEnvConfig({ APP_ID: "12", PRIVATE_KEY: testPrivateKey, WEBHOOK_SECRET: "hook-secret" });
    expect(config.needsSetup).toBe(false);
    expect(config.github.webhookSecret).toBe("hook-secret");
  });

  it.each(["web", "worker"])("refuses ROLE=%s on embedded PGlite and says to set DATABASE_URL", (role) => {
    const { problems } = configError({ ROLE: role });
    expect(problems).toEqual([
      `ROLE=${role} needs DATABASE_URL: without it the app keeps its state in embedded PGlite, which lives inside one process; ` +
        "set DATABASE_URL to the PostgreSQL database shared by the web and worker processes, or use ROLE=all",
    ]);
    expect(loadEnvConfig({ ROLE: role, DATABASE_URL: "postgres://u@db/app" }).role).toBe(role);
    expect(loadEnvConfig({ ROLE: "all" }).role).toBe("all");
  });

  it("refuses AUDIT_HMAC_KEYS with short or non-canonical secrets, naming each key id and never the secret", () => {
    const short = "00112233445566778899aabbccddeeff";
    const nonCanonical = `${Buffer.alloc(34, 0x5a).toString("base64").slice(0, -3)}b==`;
    const { problems, message } = configError({ AUDIT_HMAC_KEYS: `good:${KEY_32},old:${short},pasted:${nonCanonical}` });
    expect(problems).toEqual([
      expect.stringMatching(/^AUDIT_HMAC_KEYS entry 2 \(key id "old"\): secret is 16 bytes after decoding, at least 32 are required/),
      expect.stringMatching(/^AUDIT_HMAC_KEYS entry 3 \(key id "pasted"\): secret is not canonical base64/),
    ]);
    for (const secret of [KEY_32, short, nonCanonical]) expect(message).not.toContain(secret);
  });

  it("reports problems of every kind in one error: schema, private key, HMAC keys and the rules between variables", () => {
    const shortSecret = "c2hvcnQtc2VjcmV0LWJ5dGVz";
    const { problems, message } = configError({
      APP_ID: "12",
      PORT: "70000",
      PRIVATE_KEY: "-----BEGIN NOT A KEY----- a2V5LW1hdGVyaWFs",
      AUDIT_HMAC_KEYS: `k1:${shortSecret}`,
      ROLE: "worker",
    });
    expect(problems).toEqual([
      "PORT: must be a whole number from 1 to 65535",
      expect.stringMatching(/^PRIVATE_KEY: .*; set PRIVATE_KEY to the contents of the app's \.pem private key/),
      expect.stringMatching(/^WEBHOOK_SECRET is missing \(required whenever APP_ID is set/),
      expect.stringMatching(/^AUDIT_HMAC_KEYS entry 1 \(key id "k1"\): secret is 18 bytes after decoding, at least 32 are required/),
      expect.stringMatching(/^ROLE=worker needs DATABASE_URL/),
    ]);
    expect(message).toContain("Invalid configuration (5 problems)");
    expect(message).not.toContain(shortSecret);
    expect(message).not.toContain("a2V5LW1hdGVyaWFs");
  });

  it("uses PostgreSQL when DATABASE_URL is set and builds the GHE base URL", () => {
    const config = loadEnvConfig({
      APP_ID: "12",
      PRIVATE_KEY: testPrivateKey,
      WEBHOOK_SECRET: "s",
      DATABASE_URL: "postgres://u@db:5432/app",
      GHE_HOST: "127.0.0.1:9999",
      GHE_PROTOCOL: "http",
      ROLE: "worker",
      AUDIT_HMAC_KEYS: `k1:${KEY_32}`,
    });
    expect(config.needsSetup).toBe(false);
    expect(config.github.appId).toBe(12);
    expect(config.database).toEqual({ kind: "postgres", url: "postgres://u@db:5432/app" });
    expect(config.github.baseUrl).toBe("http://127.0.0.1:9999/api/v3");
    expect(config.role).toBe("worker");
    expect(config.hmacKeys.map((key) => [key.id, Buffer.from(key.secret).toString("hex")])).toEqual([["k1", KEY_32]]);
  });
});
