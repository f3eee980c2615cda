import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { loadEnvConfig } from "../src/config/load-env-config.js";
import { startApp, type RunningApp } from "../src/start-app.js";
import { createGitHubSimulator } from "../test/support/github-simulator/index.js";
import { freePort } from "../test/support/free-port.js";
import { arrangeDemoWorld, DEMO } from "./demo-world.js";
import { renderStatePage } from "./render-state-page.js";
import { runDemoScript } from "./run-demo-script.js";
import { serveStatePage } from "./serve-state-page.js";

export interface RunningDemo {
  pageUrl: string;
  /** Settles when the script has run (rejects with the step that failed). */
  finished: Promise<void>;
  /** Stops the app, the simulator and the page, and deletes the temporary data directory. */
  stop(): Promise<void>;
}

/**
 * The whole flow on one machine, with no GitHub App and no network: the GitHub simulator over
 * HTTP, the app (`startApp`, configured through the real environment parser) on embedded
 * PGlite in a temporary DATA_DIR with a generated private key, webhook secret and HMAC key,
 * the page of the simulator's state, then the script of signed deliveries.
 */
export async function startDemo({ pagePort, say, log }: { pagePort: number; say: (line: string) => void; log?: Logger }): Promise<RunningDemo> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step();
  };
  try {
    const dataDir = await mkdtemp(join(tmpdir(), "audit-digest-demo-"));
    stops.push(() => rm(dataDir, { recursive: true, force: true }));

    const appKey = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const sim = createGitHubSimulator({ app: { id: DEMO.appId, slug: "audit-digest-demo", name: "audit-digest demo", publicKey: appKey.publicKey } });
    arrangeDemoWorld(sim);
    const github = await sim.listen();
    stops.push(() => sim.close());

    let status = "Starting the app…";
    let running = true;
    const page = await serveStatePage({ port: pagePort, render: () => renderStatePage({ sim, repo: DEMO.repo, status, refreshSeconds: running ? 2 : undefined }) });
    stops.push(() => page.close());

    const webhookSecret = randomBytes(20).toString("hex");
    const hmacKeys = `demo:${randomBytes(32).toString("hex")}`;
    const config = loadEnvConfig({
      APP_ID: String(DEMO.appId),
      PRIVATE_KEY: appKey.privateKey,
      WEBHOOK_SECRET: webhookSecret,
      AUDIT_HMAC_KEYS: hmacKeys,
      GHE_HOST: github.host,
      GHE_PROTOCOL: "http",
      HOST: "127.0.0.1",
      PORT: String(await freePort()),
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      JOB_POLL_INTERVAL_SECONDS: "0.5",
      SHUTDOWN_TIMEOUT_SECONDS: "5",
    });
    say(`GitHub simulator at ${github.url}: organisation ${DEMO.owner}, repository ${DEMO.repo}, the app installed (installation ${DEMO.installationId})`);
    say(`The page of what the app writes there: ${page.url} (it follows the demo as it runs)`);
    say(`Starting the app on embedded PGlite in ${dataDir} …`);
    const app: RunningApp = await startApp({ config, ...(log ? { log } : {}) });
    stops.push(() => app.stop());
    const hookUrl = `http://127.0.0.1:${app.port}${config.github.webhookPath}`;
    say(`The app is listening for webhooks at ${hookUrl}`);
    say("");
    status = "The demo script is running…";

    const finished = runDemoScript({ sim, db: app.db, hookUrl, webhookSecret, hmacKeys, say }).then(
      ({ digest, checkRuns }) => {
        running = false;
        const annotations = checkRuns.reduce((sum, check) => sum + check.output.annotations.length, 0);
        status = `The demo script has run: digest #${digest.number}, ${checkRuns.length} check runs, ${annotations} annotations.`;
        sim.assertNoViolations();
      },
      (error: unknown) => {
        running = false;
        status = `The demo script failed: ${error instanceof Error ? error.message : String(error)}`;
        throw error;
      },
    );
    return { pageUrl: page.url, finished, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
