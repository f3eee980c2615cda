import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { startApp } from "../../src/start-app.js";
import { freePort } from "../support/free-port.js";
import { sendSignedWebhook } from "../support/send-signed-webhook.js";
import { TEST_WEBHOOK_SECRET, testConfig } from "../support/test-config.js";
import { createPostgresTestDatabase, createTestDatabase, testDatabaseUrl } from "../support/test-database.js";
import { webhookExample } from "../support/webhook-examples.js";

const log = pino({ level: "silent" });
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** The app with `ROLE=web` (no workers, so enqueued jobs stay to be looked at). */
async function startWeb(env: Record<string, string>) {
  const config = { ...testConfig({ ...env, PORT: String(await freePort()) }), role: "web" as const };
  const app = await startApp({ config, log });
  cleanups.push(() => app.stop());
  return { app, hook: `http://127.0.0.1:${app.port}/api/github/webhooks` };
}

describe("webhook intake under concurrent deliveries", () => {
  it("on PostgreSQL, every 2xx comes after its delivery and its job are committed; concurrent redeliveries enqueue nothing", async () => {
    if (!testDatabaseUrl) throw new Error("TEST_DATABASE_URL is not set: this test needs PostgreSQL");
    const database = await createPostgresTestDatabase();
    cleanups.push(() => database.drop());
    const { hook } = await startWeb({ DATABASE_URL: database.url });
    // Connections of the test's own: they see only what the app has committed.
    const observer = new pg.Pool({ connectionString: database.url, max: 4 });
    cleanups.push(() => observer.end());
    const committed = async (deliveryId: string) => {
      const { rows } = await observer.query<{ state: string }>(
        `SELECT j.state::text AS state FROM webhook_deliveries d JOIN pgboss.job j ON j.id::text = d.job_id WHERE d.delivery_id = $1`,
        [deliveryId],
      );
      return rows.map((row) => row.state);
    };

    const ids = Array.from({ length: 40 }, (_, i) => `concurrent-${i}`);
    const sends = [...ids, ...ids.slice(0, 8)].map(async (deliveryId, i) => {
      const payload = webhookExample("workflow_run", "completed", { installationId: 21 });
      payload.workflow_run.id = 1000 + (i % ids.length);
      const { status } = await sendSignedWebhook({ url: hook, event: "workflow_run", payload, secret: TEST_WEBHOOK_SECRET, deliveryId });
      return { deliveryId, status, atAck: await committed(deliveryId) };
    });
    const answers = await Promise.all(sends);

    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(answers.filter((answer) => answer.atAck.length !== 1 || answer.atAck[0] !== "created")).toEqual([]);
    const { rows } = await observer.query<{ deliveries: number; jobs: number }>(
      `SELECT (SELECT count(*)::int FROM webhook_deliveries) AS deliveries,
              (SELECT count(*)::int FROM pgboss.job WHERE name = 'ingest-workflow-run') AS jobs`,
    );
    expect(rows).toEqual([{ deliveries: 40, jobs: 40 }]);
  });

  it("when the database fails, a delivery is answered 5xx (so it is redelivered), not 2xx", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "audit-digest-intake-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    await (await createTestDatabase({ dataDir })).close();
    const { app, hook } = await startWeb({ DATA_DIR: dataDir });
    const payload = webhookExample("workflow_run", "completed", { installationId: 22 });
    expect((await sendSignedWebhook({ url: hook, event: "workflow_run", payload, secret: TEST_WEBHOOK_SECRET, deliveryId: "before" })).status).toBe(200);

    await app.db.close();
    const answers = await Promise.all(
      ["after-1", "after-2", "after-3"].map((deliveryId) => sendSignedWebhook({ url: hook, event: "workflow_run", payload, secret: TEST_WEBHOOK_SECRET, deliveryId })),
    );
    expect(answers.map((answer) => answer.status >= 500)).toEqual([true, true, true]);
  });
});
