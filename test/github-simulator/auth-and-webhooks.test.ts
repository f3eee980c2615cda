import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { verify } from "@octokit/webhooks-methods";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testAppKey } from "../support/test-app-key.js";
import { createGitHubSimulator, requestFailure } from "../support/github-simulator/index.js";

/** The app key the simulator knows by default (its public half). */
const { privateKey } = testAppKey;

/**
 * Octokit as Probot builds it, answering from the simulator. Throttling is off here: its write
 * spacing (seconds per issue) is shared process-wide and would only slow these tests down.
 */
function simulatedOctokit(sim: ReturnType<typeof createGitHubSimulator>) {
  return ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    request: { ...(options.request as object), fetch: sim.fetch },
    throttle: { ...(options.throttle as object), enabled: false },
  }));
}

function arrange() {
  const sim = createGitHubSimulator({ app: { id: 123, slug: "audit-digest" } });
  sim.createInstallation({ id: 1, account: "acme", permissions: { issues: "write", metadata: "read" }, events: ["issues"] });
  sim.createRepository({ owner: "acme", name: "service" });
  const probot = new Probot({ appId: 123, privateKey, logLevel: "fatal", Octokit: simulatedOctokit(sim) });
  return { sim, probot };
}

describe("app and installation authentication", () => {
  it("issues an installation token for the app's JWT and attributes later requests to the installation", async () => {
    const { sim, probot } = arrange();
    const app = await probot.auth();
    const { data: me } = await app.request("GET /app");
    expect(me).toMatchObject({ id: 123, slug: "audit-digest" });
    const { data: installation } = await app.request("GET /repos/{owner}/{repo}/installation", { owner: "acme", repo: "service" });
    expect(installation).toMatchObject({ id: 1, account: { login: "acme" }, permissions: { issues: "write" } });

    const octokit = await probot.auth(1);
    const created = await octokit.rest.issues.create({ owner: "acme", repo: "service", title: "digest" });
    expect(created.data.user?.login).toBe("audit-digest[bot]");
    const tokenRequest = sim.requests.find((entry) => entry.route === "POST /app/installations/{installation_id}/access_tokens");
    expect(tokenRequest?.status).toBe(201);
    expect(sim.requests.at(-1)).toMatchObject({ route: "POST /repos/{owner}/{repo}/issues", installationId: 1, status: 201 });
    sim.assertNoViolations();
  });

  it("refuses a JWT from another app and a made-up token", async () => {
    const { sim } = arrange();
    const stranger = new Probot({ appId: 999, privateKey, logLevel: "fatal", Octokit: simulatedOctokit(sim) });
    expect(await requestFailure((await stranger.auth()).request("GET /app"))).toMatchObject({ status: 401 });
    const forged = new ProbotOctokit({ auth: { token: "ghs_forged" }, request: { fetch: sim.fetch }, retry: { enabled: false } });
    expect(await requestFailure(forged.rest.issues.listForRepo({ owner: "acme", repo: "service" }))).toMatchObject({ status: 401, message: "Bad credentials" });
  });

  it("applies permission changes to tokens already issued", async () => {
    const { sim, probot } = arrange();
    const octokit = await probot.auth(1);
    sim.setInstallationPermissions({ installationId: 1, permissions: { metadata: "read" } });
    const refused = await requestFailure(octokit.rest.issues.create({ owner: "acme", repo: "service", title: "t" }));
    expect(refused).toMatchObject({ status: 403, message: "Resource not accessible by integration" });
  });
});

describe("webhook deliveries", () => {
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  let status = 500;
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(status).end();
    });
  });
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/github/webhooks`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("signs deliveries, lists them with cursor pagination, and redelivers with the same guid", async () => {
    const { sim, probot } = arrange();
    const payload = { action: "opened", installation: { id: 1 }, repository: sim.json.repository("acme/service") };
    status = 500;
    expect(await sim.deliverWebhook({ url, secret: "s3cret", event: "issues", payload, deliveryId: "guid-1" })).toBe(500);
    const first = received.at(-1)!;
    expect(first.headers["x-github-event"]).toBe("issues");
    expect(first.headers["x-github-delivery"]).toBe("guid-1");
    expect(await verify("s3cret", first.body, String(first.headers["x-hub-signature-256"]))).toBe(true);
    status = 200;
    await sim.deliverWebhook({ url, secret: "s3cret", event: "ping", payload: { zen: "Keep it logically awesome." } });

    const app = await probot.auth();
    const page1 = await app.request("GET /app/hook/deliveries", { per_page: 1 });
    expect(page1.data).toHaveLength(1);
    expect(page1.data[0]).toMatchObject({ event: "ping", status_code: 200, redelivery: false });
    expect(page1.headers.link).toMatch(/cursor=v1_\d+>; rel="next"/);
    const all = await app.paginate("GET /app/hook/deliveries", { per_page: 1 });
    expect(all.map((delivery) => delivery.guid)).toEqual([expect.any(String), "guid-1"]);
    const failed = all.find((delivery) => delivery.status_code === 500)!;
    expect(failed).toMatchObject({ event: "issues", action: "opened", installation_id: 1, status: "Invalid HTTP Response: 500" });

    const accepted = await app.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: failed.id });
    expect(accepted.status).toBe(202);
    const again = received.at(-1)!;
    expect(again.headers["x-github-delivery"]).toBe("guid-1");
    expect(again.body).toBe(first.body);
    expect(await verify("s3cret", again.body, String(again.headers["x-hub-signature-256"]))).toBe(true);
    const latest = (await app.request("GET /app/hook/deliveries")).data[0];
    expect(latest).toMatchObject({ guid: "guid-1", redelivery: true, status_code: 200 });
    const detail = await app.request("GET /app/hook/deliveries/{delivery_id}", { delivery_id: Number(latest!.id) });
    expect(detail.data.request.payload).toMatchObject({ action: "opened" });
  });
});
