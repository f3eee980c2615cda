import { removeFallbackFiles } from "../fallback/fallback-file.js";
import { deleteExpiredFallbacks } from "../fallback/fallback-store.js";
import type { ScheduledTask } from "../jobs/scheduled-task.js";

/**
 * Hourly, deletes fallback records past their expiry (`fallback.ttl_days`), whatever their
 * status, in batches, and their files in `FALLBACK_DIR`. Records not yet expired are kept.
 */
export const expireFallbackRecords: ScheduledTask = {
  name: "expire-fallback-records",
  cron: "41 * * * *",
  batchSize: 500,
  async run({ db, config, log, signal }) {
    let removed = 0;
    for (;;) {
      signal.throwIfAborted();
      const ids = await deleteExpiredFallbacks(db, { limit: this.batchSize });
      if (config.fallbackDir !== undefined) await removeFallbackFiles({ dir: config.fallbackDir, ids });
      removed += ids.length;
      if (ids.length < this.batchSize) break;
    }
    if (removed > 0) log.info({ task: this.name, removed }, "expired fallback records removed");
  },
};
