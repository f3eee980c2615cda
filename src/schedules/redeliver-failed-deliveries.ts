import type { ScheduledTask } from "../jobs/scheduled-task.js";

/** Deliveries older than this are not asked for again (GitHub keeps them three days). */
const LOOK_BACK_MS = 24 * 60 * 60 * 1000;
/** A delivery that still fails after this many redeliveries is left alone (say, a wrong secret). */
const MAX_ATTEMPTS = 3;

interface DeliveryAttempt {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
}

/**
 * GitHub does not send a failed webhook delivery again by itself, so work could be lost while
 * the app was down or failing. This task lists the app's recent deliveries, and for each one
 * (by guid) that never succeeded and was not taken in, asks GitHub to send it again; a
 * redelivery keeps its guid, so the delivery ledger still enqueues its work only once.
 */
export const redeliverFailedDeliveries: ScheduledTask = {
  name: "redeliver-failed-deliveries",
  cron: "*/10 * * * *",
  batchSize: 50,
  async run({ db, log, githubApp }) {
    const octokit = await githubApp();
    const since = Date.now() - LOOK_BACK_MS;

    // 1. The recent attempts of every guid, newest first, until the look-back is passed.
    const byGuid = new Map<string, DeliveryAttempt[]>();
    pages: for await (const page of octokit.paginate.iterator(octokit.rest.apps.listWebhookDeliveries, { per_page: 100 })) {
      for (const delivery of page.data as DeliveryAttempt[]) {
        if (Date.parse(delivery.delivered_at) < since) break pages;
        byGuid.set(delivery.guid, [...(byGuid.get(delivery.guid) ?? []), delivery]);
      }
    }
    const failed = [...byGuid.entries()].filter(([, attempts]) => !attempts.some((a) => a.status_code >= 200 && a.status_code < 300));
    if (failed.length === 0) return;

    // 2. Leave out what the app took in anyway, and what was retried enough.
    const guids = failed.map(([guid]) => guid);
    const takenIn = await db.query<{ delivery_id: string }>("SELECT DISTINCT delivery_id FROM webhook_deliveries WHERE delivery_id = ANY($1::text[])", [guids]);
    const tried = await db.query<{ guid: string; attempts: number }>("SELECT guid, attempts FROM webhook_redeliveries WHERE guid = ANY($1::text[])", [guids]);
    const skip = new Set(takenIn.rows.map((r) => r.delivery_id));
    const attemptsOf = new Map(tried.rows.map((r) => [r.guid, r.attempts]));
    const due = failed.filter(([guid]) => !skip.has(guid) && (attemptsOf.get(guid) ?? 0) < MAX_ATTEMPTS).slice(0, this.batchSize);

    // 3. Ask again for the newest attempt of each, and count it.
    for (const [guid, attempts] of due) {
      await db.query(
        `INSERT INTO webhook_redeliveries (guid, attempts) VALUES ($1, 1)
         ON CONFLICT (guid) DO UPDATE SET attempts = webhook_redeliveries.attempts + 1, last_attempt_at = now()`,
        [guid],
      );
      await octokit.rest.apps.redeliverWebhookDelivery({ delivery_id: attempts[0]!.id });
    }
    log.info({ task: this.name, failed: failed.length, redelivered: due.length }, "failed webhook deliveries redelivered");
  },
};
