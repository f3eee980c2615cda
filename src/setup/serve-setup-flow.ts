import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { AppConfig } from "../config/app-config.js";
import { buildAppManifest } from "./app-manifest.js";
import { convertManifestCode } from "./convert-manifest-code.js";
import { renderSetupPage } from "./render-setup-page.js";
import { setupWebhookUrl } from "./setup-webhook-url.js";
import { writeEnvFile } from "./write-env-file.js";

export interface SetupServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The first run without app credentials: a page that registers the GitHub App from `app.yml`
 * through GitHub's manifest flow, with the webhook URL GitHub can reach (`WEBHOOK_PROXY_URL`,
 * or `BASE_URL` with `WEBHOOK_PATH`); without either it says what to set and offers no
 * registration. GitHub's callback (`/probot/setup?code&state`) turns the code into the app's
 * ID, private key and webhook secret, written to `envPath`, and sends the admin on to install
 * the app. A callback whose `state` is not this process's is refused, so no other page can
 * plant another app's credentials here.
 */
export async function serveSetupFlow({
  config,
  host,
  log,
  envPath,
}: {
  config: AppConfig;
  /** The address to listen on (the app's HOST is for webhooks; the setup page is best kept local). */
  host: string;
  log: Logger;
  envPath: string;
}): Promise<SetupServer> {
  const state = randomBytes(16).toString("hex");
  const webhook = setupWebhookUrl(config);
  const shownHost = ["0.0.0.0", "::", "127.0.0.1", ""].includes(host) ? "localhost" : host;
  const localWebhookUrl = `http://${shownHost}:${config.server.port}${config.github.webhookPath}`;
  const webOrigin = `${config.github.webProtocol}://${config.github.webHost}`;
  const createAppUrl = `${webOrigin}${config.github.org ? `/organizations/${encodeURIComponent(config.github.org)}` : ""}/settings/apps/new?state=${state}`;
  const apiBaseUrl = config.github.baseUrl ?? "https://api.github.com";

  const page = (req: IncomingMessage): string => {
    const origin = config.server.publicUrl ?? `http://${req.headers.host ?? `${shownHost}:${config.server.port}`}`;
    const manifest = webhook ? buildAppManifest({ hookUrl: webhook.url, redirectUrl: `${origin}/probot/setup` }) : undefined;
    return renderSetupPage({ createAppUrl, webhook, manifest, localWebhookUrl, webhookPath: config.github.webhookPath });
  };

  const callback = async (url: URL, res: ServerResponse): Promise<void> => {
    const code = url.searchParams.get("code");
    if (!code || url.searchParams.get("state") !== state) {
      send(res, 400, "text/plain", "This link did not come from this setup page (code or state missing or not this run's). Open the setup page and register the app again.\n");
      return;
    }
    try {
      const app = await convertManifestCode({ apiBaseUrl, code });
      writeEnvFile({ path: envPath, values: { APP_ID: String(app.id), PRIVATE_KEY: app.pem, WEBHOOK_SECRET: app.webhook_secret } });
      log.info({ appId: app.id, slug: app.slug, envPath }, "GitHub App registered; its credentials are in .env: start the app again (npm start), then install it on the repositories to audit");
      res.writeHead(302, { location: `${app.html_url}/installations/new`, "content-type": "text/plain" }).end(`Registered. Install the app: ${app.html_url}/installations/new\n`);
    } catch (error) {
      log.error({ err: error }, "the GitHub App could not be registered");
      send(res, 502, "text/plain", `${error instanceof Error ? error.message : String(error)}\n`);
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET") return send(res, 405, "text/plain", "Only GET is served during setup.\n");
    if (url.pathname === "/") return void res.writeHead(302, { location: "/probot" }).end();
    if (url.pathname === "/probot") return send(res, 200, "text/html; charset=utf-8", page(req));
    if (url.pathname === "/probot/setup") return void callback(url, res);
    if (url.pathname === "/healthz") return send(res, 200, "application/json", '{"status":"setup"}');
    return send(res, 404, "text/plain", "Not found: the app is in setup mode, open / to register it.\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.server.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const where = `http://${shownHost}:${port}`;
  if (webhook) {
    log.info({ webhookUrl: webhook.url }, `No GitHub App credentials yet: open ${where} to register the app (webhooks will be delivered to ${webhook.url})`);
    if (webhook.warning) log.warn(webhook.warning);
  } else {
    log.warn(
      `No GitHub App credentials yet, and no address GitHub can deliver webhooks to: set WEBHOOK_PROXY_URL (a smee.io channel, https://smee.io/new) ` +
        `or BASE_URL (the app's public address) in .env and start again; ${where} says the same`,
    );
  }
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type }).end(body);
}
