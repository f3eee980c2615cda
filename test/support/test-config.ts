import type { AppConfig } from "../../src/config/app-config.js";
import { loadEnvConfig } from "../../src/config/load-env-config.js";
import { testAppKey } from "./test-app-key.js";

/** An RSA key made once per test file, standing in for a GitHub App's private key (the simulator holds its public key). */
export const testPrivateKey = testAppKey.privateKey;

export const TEST_WEBHOOK_SECRET = "test-webhook-secret";
export const TEST_APP_ID = 4242;

/** An app config built through the real env parser, as a deployment would set it. */
export function testConfig(env: Record<string, string | undefined> = {}): AppConfig {
  return loadEnvConfig({
    APP_ID: String(TEST_APP_ID),
    PRIVATE_KEY: testPrivateKey,
    WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    LOG_FORMAT: "json",
    JOB_POLL_INTERVAL_SECONDS: "0.5",
    SHUTDOWN_TIMEOUT_SECONDS: "5",
    ...env,
  });
}
