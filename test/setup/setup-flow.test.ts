import { spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../support/free-port.js";
import { testPrivateKey } from "../support/test-config.js";
import type { WebhookPayload } from "../support/webhook-examples.js";
import { waitFor } from "../support/wait-for.js";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `src/main.ts` as `npm start` runs it, in `cwd` with only `env`; its whole process group is ended after the test. */
function startMain({ cwd, env }: { cwd: string; env: Record<string, string> }) {
  const child = spawn(tsx, [join(root, "src/main.ts")], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd, LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const stopGroup = async (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      return; // the group is gone
    }
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
  };
  cleanups.push(() => stopGroup("SIGKILL"));
  return { exited, output: () => output, stop: () => stopGroup("SIGTERM") };
}

async function setupPage(port: number): Promise<string> {
  return waitFor("the setup page", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/probot`).catch(() => undefined);
    return response?.ok ? response.text() : undefined;
  });
}

function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The form the setup page submits to GitHub: where it posts, and the manifest it posts. */
function registrationForm(page: string): { action: string; manifest: WebhookPayload } | undefined {
  const form = /<form action="([^"]*)" method="post">\s*<input type="hidden" name="manifest" value="([^"]*)">/.exec(page);
  if (!form) return undefined;
  return { action: unescapeHtml(form[1]!), manifest: JSON.parse(unescapeHtml(form[2]!)) };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  cleanups.push(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return (server.address() as AddressInfo).port;
}

describe("the setup flow (first run without app credentials)", () => {
  it("with WEBHOOK_PROXY_URL, registers the app with the smee.io channel as its webhook URL, and app.yml's events and permissions", async () => {
    const port = await freePort();
    startMain({ cwd: tempDir("audit-digest-setup-"), env: { PORT: String(port), WEBHOOK_PROXY_URL: "https://smee.io/aUd1tD1gEsTcHaNnEl", GH_ORG: "acme" } });
    const form = registrationForm(await setupPage(port));
    expect(form).toBeDefined();
    expect(form!.action).toMatch(/^https:\/\/github\.com\/organizations\/acme\/settings\/apps\/new\?state=[0-9a-f]{32}$/);
    // smee.io takes deliveries at the channel's own address; the app forwards them to /api/github/webhooks.
    expect(form!.manifest.hook_attributes).toEqual({ url: "https://smee.io/aUd1tD1gEsTcHaNnEl", active: true });
    expect(form!.manifest.redirect_url).toBe(`http://127.0.0.1:${port}/probot/setup`);
    expect(form!.manifest.name).toBe("audit-digest");
    expect(form!.manifest.default_events).toEqual(expect.arrayContaining(["workflow_run", "check_run", "pull_request", "issue_comment"]));
    expect(form!.manifest.default_permissions).toMatchObject({ checks: "write", issues: "write", actions: "read" });
  });

  it("with a public BASE_URL, registers <BASE_URL><WEBHOOK_PATH> as the webhook URL and comes back to BASE_URL", async () => {
    const port = await freePort();
    startMain({ cwd: tempDir("audit-digest-setup-"), env: { PORT: String(port), BASE_URL: "https://audit.example.com/" } });
    const form = registrationForm(await setupPage(port));
    expect(form!.manifest.hook_attributes.url).toBe("https://audit.example.com/api/github/webhooks");
    expect(form!.manifest.redirect_url).toBe("https://audit.example.com/probot/setup");
    expect(form!.action).toMatch(/^https:\/\/github\.com\/settings\/apps\/new\?state=/);
  });

  it("with neither, offers no registration and says to set WEBHOOK_PROXY_URL or BASE_URL", async () => {
    const port = await freePort();
    const main = startMain({ cwd: tempDir("audit-digest-setup-"), env: { PORT: String(port), WEBHOOK_PATH: "/github/hooks" } });
    const page = await setupPage(port);
    expect(registrationForm(page)).toBeUndefined();
    expect(page).not.toContain("Register GitHub App");
    expect(page).toContain("WEBHOOK_PROXY_URL");
    expect(page).toContain("BASE_URL");
    expect(page).toContain("https://smee.io/new");
    expect(page).toContain("GitHub delivers to <code>&lt;BASE_URL&gt;/github/hooks</code>");
    expect(main.output()).toContain("no address GitHub can deliver webhooks to: set WEBHOOK_PROXY_URL");
  });

  it("a BASE_URL on this machine is shown with a warning that GitHub cannot reach it", async () => {
    const port = await freePort();
    startMain({ cwd: tempDir("audit-digest-setup-"), env: { PORT: String(port), BASE_URL: `http://localhost:${port}` } });
    const page = await setupPage(port);
    expect(page).toContain("BASE_URL points at this machine (localhost): GitHub cannot deliver webhooks there.");
  });

  it("GitHub's callback writes the registered app's credentials to .env, sends the admin to install it, and the restarted app runs with them", async () => {
    // GitHub's side of the manifest flow: the code converts once into the new app.
    const webhookSecret = `whsec-${randomUUID()}`;
    const conversions: string[] = [];
    const github = createServer((req, res) => {
      conversions.push(`${req.method} ${req.url}`);
      if (req.method === "POST" && req.url === "/api/v3/app-manifests/good-code/conversions") {
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: 987654, slug: "audit-digest-acme", html_url: "https://github.example/apps/audit-digest-acme", pem: testPrivateKey, webhook_secret: webhookSecret, client_id: "Iv1.x", client_secret: "client-secret" }));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not Found"}');
    });
    const githubHost = `127.0.0.1:${await listen(github)}`;
    const cwd = tempDir("audit-digest-setup-");
    const port = await freePort();
    const env = { PORT: String(port), GHE_HOST: githubHost, GHE_PROTOCOL: "http", BASE_URL: "https://audit.example.com" };
    const setup = startMain({ cwd, env });
    const form = registrationForm(await setupPage(port))!;
    const state = new URL(form.action).searchParams.get("state")!;
    expect(form.action.startsWith(`http://${githubHost}/settings/apps/new?state=`)).toBe(true);

    // A callback that did not come from this page is refused and writes nothing.
    const forged = await fetch(`http://127.0.0.1:${port}/probot/setup?code=good-code&state=not-this-run`, { redirect: "manual" });
    expect(forged.status).toBe(400);
    expect(existsSync(join(cwd, ".env"))).toBe(false);
    expect(conversions).toEqual([]);

    const callback = await fetch(`http://127.0.0.1:${port}/probot/setup?code=good-code&state=${state}`, { redirect: "manual" });
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe("https://github.example/apps/audit-digest-acme/installations/new");
    const written = parseEnv(readFileSync(join(cwd, ".env"), "utf8"));
    expect(written).toEqual({ APP_ID: "987654", PRIVATE_KEY: testPrivateKey, WEBHOOK_SECRET: webhookSecret });
    expect(setup.output()).not.toContain(webhookSecret);
    expect(setup.output()).not.toContain("PRIVATE KEY");
    await setup.stop();

    // Started again in the same folder, the app runs with the credentials and verifies webhooks with the secret.
    const appPort = await freePort();
    startMain({ cwd, env: { ...env, PORT: String(appPort), DATA_DIR: join(cwd, "data") } });
    await waitFor("the app to be ready", async () => ((await fetch(`http://127.0.0.1:${appPort}/readyz`).catch(() => undefined))?.status === 200 ? true : undefined), 180_000);
    const ping = (secret: string) => {
      const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
      return fetch(`http://127.0.0.1:${appPort}/api/github/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": "ping", "x-github-delivery": randomUUID(), "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` },
        body,
      });
    };
    expect((await ping(webhookSecret)).status).toBe(200);
    expect((await ping("someone-else's-secret")).status).toBe(400);
  }, 240_000);

  it("a refused code answers with GitHub's status and what to do, and writes no .env", async () => {
    const github = createServer((_req, res) => res.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not Found"}'));
    const githubHost = `127.0.0.1:${await listen(github)}`;
    const cwd = tempDir("audit-digest-setup-");
    const port = await freePort();
    startMain({ cwd, env: { PORT: String(port), GHE_HOST: githubHost, GHE_PROTOCOL: "http", WEBHOOK_PROXY_URL: "https://smee.io/aUd1tD1gEsTcHaNnEl" } });
    const state = new URL(registrationForm(await setupPage(port))!.action).searchParams.get("state")!;
    const callback = await fetch(`http://127.0.0.1:${port}/probot/setup?code=stale-code&state=${state}`, { redirect: "manual" });
    expect(callback.status).toBe(502);
    expect(await callback.text()).toContain("GitHub refused the app's registration code (404 Not Found): a code is valid one hour and once; register the app again");
    expect(existsSync(join(cwd, ".env"))).toBe(false);
  });
});

describe("the webhook proxy (WEBHOOK_PROXY_URL) once the app is registered", () => {
  it("forwards a delivery from the smee channel to the app's webhook path, where its signature is verified", async () => {
    const secret = "proxy-test-secret";
    const body = { zen: "Speak like a human.", hook_id: 7 };
    const delivery = {
      "x-github-event": "ping",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(JSON.stringify(body)).digest("hex")}`,
      body,
      query: {},
    };
    // A smee.io channel on this machine: an event stream that carries one delivery to whoever listens.
    const channel = createServer((req, res) => {
      if (req.url !== "/aUd1tD1gEsTcHaNnEl" || req.headers.accept !== "text/event-stream") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      res.write("event: ready\ndata: {}\n\n");
      res.write(`id: 1\ndata: ${JSON.stringify(delivery)}\n\n`);
    });
    const channelUrl = `http://127.0.0.1:${await listen(channel)}/aUd1tD1gEsTcHaNnEl`;
    const cwd = tempDir("audit-digest-proxy-");
    const port = await freePort();
    const main = startMain({
      cwd,
      env: { APP_ID: "1", PRIVATE_KEY: testPrivateKey, WEBHOOK_SECRET: secret, WEBHOOK_PROXY_URL: channelUrl, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: join(cwd, "data") },
    });
    const forwarded = await waitFor("the forwarded delivery", () => /POST http:\/\/127\.0\.0\.1:\d+\/api\/github\/webhooks - (\d+)/.exec(main.output())?.[1], 180_000);
    expect(forwarded).toBe("200");
    expect(main.output()).not.toContain("smee-client");
  }, 240_000);
});
