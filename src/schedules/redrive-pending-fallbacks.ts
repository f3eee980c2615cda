import { installationsWithPendingFallbacks } from "../fallback/fallback-store.js";
import type { ScheduledTask } from "../jobs/scheduled-task.js";

/**
 * Hourly, every installation with pending fallback records gets one `redrive-fallbacks` job,
 * so a permission granted without an event the app hears of (or an event that was lost) still
 * gets the digests filed; one installation's failure holds up no other. Suspended and deleted
 * installations are left out.
 */
export const redrivePendingFallbacks: ScheduledTask = {
  name: "redrive-pending-fallbacks",
  cron: "23 * * * *",
  batchSize: 1_000,
  async run({ db, queue, log }) {
    const installations = await installationsWithPendingFallbacks(db, { limit: this.batchSize });
    for (const installationId of installations) {
      await queue.send("redrive-fallbacks", { installationId, deliveryId: null, trigger: this.name, recordId: null, afterId: null });
    }
    if (installations.length > 0) log.info({ task: this.name, installations: installations.length }, "pending fallback records handed to one re-drive job per installation");
  },
};
