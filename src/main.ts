// First: loads `pg` without its runtime check loading fetch (see the module).
import "./db/load-pg.js";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { EnvConfigError, loadEnvConfig } from "./config/load-env-config.js";
import { createLogger } from "./logging/create-logger.js";
import { loadGarbageCollector } from "./memory/load-garbage-collector.js";
import { startIdleMemoryRelease } from "./memory/start-idle-memory-release.js";
import { serveSetupFlow } from "./setup/serve-setup-flow.js";
import { startApp } from "./start-app.js";

/**
 * Process entry:
 * 1. read `.env` (written by the setup flow) and the environment into one config;
 * 2. without app credentials outside production, serve the setup flow, which registers the
 *    GitHub App from `app.yml` with a webhook URL GitHub can reach and writes `.env`;
 * 3. otherwise start the app in its role and stop it gracefully on SIGTERM/SIGINT; while it is
 *    idle, the heap a burst of work (the start-up's included) left behind is given back.
 */
async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadEnvConfig(process.env);

  if (config.needsSetup) {
    // The setup page hands out the registration: only this machine may open it unless HOST says otherwise.
    const host = process.env.HOST ? config.server.host : "127.0.0.1";
    const setup = await serveSetupFlow({ config, host, log: await createLogger(config.log), envPath: resolve(".env") });
    const stop = () => void setup.close().finally(() => process.exit(0));
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    return;
  }

  // Signals are taken from here on: one that arrives while the app is starting (its HTTP server
  // may already answer) stops it as soon as it has started, instead of killing it half-way.
  let signalled: string | undefined;
  /** How to stop the app, once it has started. */
  const started: { stop?: (signal: string) => void } = {};
  const onSignal = (signal: string) => {
    if (signalled !== undefined) return;
    signalled = signal;
    started.stop?.(signal);
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));

  const app = await startApp({ config });
  const memoryRelease = startIdleMemoryRelease({ collect: loadGarbageCollector() });
  started.stop = (signal: string) => {
    memoryRelease.stop();
    app.log.info({ signal }, "shutting down");
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  if (signalled !== undefined) started.stop(signalled);
}

main().catch((error: unknown) => {
  if (error instanceof EnvConfigError) {
    console.error(error.message);
  } else {
    console.error("audit-digest failed to start:", error);
  }
  process.exit(1);
});
