import { describe, expect, it } from "vitest";
import { EnvConfigError, loadEnvConfig } from "../../src/config/load-env-config.js";
import { testPrivateKey } from "../support/test-config.js";

describe("loadEnvConfig", () => {
  it("in production, names every missing credential and how to set it, in one error", () => {
    let error: unknown;
    try {
      loadEnvConfig({ NODE_ENV: "production" }, "/nonexistent");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvConfigError);
    const { problems, message } = error as EnvConfigError;
    expect(problems).toHaveLength(3);
    expect(message).toContain("APP_ID is missing: set APP_ID to the numeric ID");
    expect(message).toContain("PRIVATE_KEY is missing");
    expect(message).toContain("WEBHOOK_SECRET is missing");
  });

  it("reports invalid values with the variable's name, all at once", () => {
    let problems: string[] = [];
    try {
      loadEnvConfig({ PORT: "eighty", ROLE: "both", DATABASE_URL: "mysql://x" });
    } catch (e) {
      problems = (e as EnvConfigError).problems;
    }
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: .*expected number/),
        expect.stringMatching(/^ROLE: .*"all"\|"web"\|"worker"/),
        "DATABASE_URL: must be a postgres:// connection URL",
      ]),
    );
  });

  it("never repeats a private key it could not read", () => {
    const bogus = "-----BEGIN NOT A KEY----- c2VjcmV0LWtleS1tYXRlcmlhbA";
    let message = "";
    try {
      loadEnvConfig({ NODE_ENV: "production", APP_ID: "1", WEBHOOK_SECRET: "s", PRIVATE_KEY: bogus });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("PRIVATE_KEY");
    expect(message).not.toContain("c2VjcmV0");
  });

  it("outside production without credentials, asks for the setup flow", () => {
    const config = loadEnvConfig({}, "/nonexistent");
    expect(config.needsSetup).toBe(true);
    expect(config.database).toEqual({ kind: "pglite", dataDir: "./data" });
    expect(config.role).toBe("all");
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
    });
    expect(config.needsSetup).toBe(false);
    expect(config.github.appId).toBe(12);
    expect(config.database).toEqual({ kind: "postgres", url: "postgres://u@db:5432/app" });
    expect(config.github.baseUrl).toBe("http://127.0.0.1:9999/api/v3");
    expect(config.role).toBe("worker");
  });
});
