import { pino } from "pino";
import { Probot } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { enqueueWebhookJob } from "../../src/jobs/enqueue-webhook-job.js";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { createMetrics } from "../../src/metrics/create-metrics.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testPrivateKey } from "../support/test-config.js";
import { createTestDatabase } from "../support/test-database.js";
import { webhookExample } from "../support/webhook-examples.js";

const log = pino({ level: "silent" });
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

async function setup() {
  const db = await createTestDatabase();
  const queue = await JobQueue.start({ db, databaseUrl: undefined, log, supervise: false });
  cleanups.push(() => db.close(), () => queue.stop(5));
  const probot = new Probot({ appId: TEST_APP_ID, privateKey: testPrivateKey, secret: TEST_WEBHOOK_SECRET, log });
  await probot.load(createApp({ log, metrics: createMetrics({ queue, db }), enqueue: (input) => enqueueWebhookJob({ db, queue, ...input }) }));
  const jobs = async () =>
    (await db.query<{ data: { commentId: number; line: string } }>("SELECT data FROM pgboss.job WHERE name = 'audit-command'")).rows.map((r) => r.data);
  return { probot, jobs };
}

function comment(action: "created" | "edited", body: string) {
  const payload = webhookExample("issue_comment", action, { installationId: 5 });
  payload.comment.body = body;
  return payload;
}

describe("/audit comments through probot.receive", () => {
  it("a new comment starting with /audit enqueues one command job, also when GitHub delivers it again", async () => {
    const { probot, jobs } = await setup();
    const payload = comment("created", "\n  /audit status\nthanks");
    await probot.receive({ id: "delivery-c-1", name: "issue_comment", payload } as never);
    await probot.receive({ id: "delivery-c-1", name: "issue_comment", payload } as never);
    expect(await jobs()).toEqual([expect.objectContaining({ commentId: payload.comment.id, line: "/audit status" })]);
  });

  it("an edited comment does not run, even when it holds a command", async () => {
    const { probot, jobs } = await setup();
    await probot.receive({ id: "delivery-c-2", name: "issue_comment", payload: comment("edited", "/audit fp abcdef12") } as never);
    expect(await jobs()).toEqual([]);
  });

  it("comments from bots and comments that do not start with /audit enqueue nothing", async () => {
    const { probot, jobs } = await setup();
    const bot = comment("created", "/audit rerun");
    bot.comment.user.type = "Bot";
    bot.sender.type = "Bot";
    await probot.receive({ id: "delivery-c-3", name: "issue_comment", payload: bot } as never);
    await probot.receive({ id: "delivery-c-4", name: "issue_comment", payload: comment("created", "see /audit rerun") } as never);
    await probot.receive({ id: "delivery-c-5", name: "issue_comment", payload: comment("created", "/auditing is fun") } as never);
    expect(await jobs()).toEqual([]);
  });
});
