import { readdir } from "node:fs/promises";
import type { Queryable } from "../db/database.js";
import { fallbackFileName, writeFallbackFile } from "./fallback-file.js";
import { loadFallbackRecord } from "./fallback-store.js";

/**
 * Start-up for `FALLBACK_DIR`: a record's file is written once its transaction committed, so a
 * process that died between the commit and the file leaves a pending record without its file;
 * this writes those files. Returns how many were written.
 */
export async function writeMissingFallbackFiles({ db, dir }: { db: Queryable; dir: string }): Promise<number> {
  const present = new Set(await readdir(dir));
  const { rows } = await db.query<{ id: string }>("SELECT id::text AS id FROM fallback_records WHERE status = 'pending' ORDER BY id");
  let written = 0;
  for (const { id } of rows) {
    if (present.has(fallbackFileName(Number(id)))) continue;
    const record = await loadFallbackRecord(db, Number(id));
    if (record?.status !== "pending") continue;
    await writeFallbackFile({ dir, record });
    written += 1;
  }
  return written;
}
