import { existsSync } from "node:fs";
import { run } from "probot";
import { EnvConfigError, loadEnvConfig } from "./config/load-env-config.js";
import { startApp } from "./start-app.js";

/**
 * Process entry:
 * 1. read `.env` (written by the setup flow) and the environment into one config;
 * 2. without app credentials outside production, serve Probot's setup flow, which registers
 *    the GitHub App from `app.yml` and writes `.env`;
 * 3. otherwise start the app in its role and stop it gracefully on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadEnvConfig(process.env);

  if (config.needsSetup) {
    await run(() => undefined, { env: { ...process.env, HOST: process.env.HOST ?? "localhost" } });
    return;
  }

  const app = await startApp({ config });
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    app.log.info({ signal }, "shutting down");
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof EnvConfigError) {
    console.error(error.message);
  } else {
    console.error("audit-digest failed to start:", error);
  }
  process.exit(1);
});
