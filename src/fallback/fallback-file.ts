import { unlink } from "node:fs/promises";
import { join } from "node:path";
import type { FallbackRecord } from "./fallback-record.js";
import { syncDirectory, writeFileAtomically } from "./write-file-atomically.js";

/** The file name a fallback record has in `FALLBACK_DIR` (and in `audit-digest fallback export`). */
export function fallbackFileName(id: number): string {
  return `fallback-record-${id}.json`;
}

/** Writes the record as one complete JSON file in `dir` (mode 0600, atomically); returns its path. */
export async function writeFallbackFile({ dir, record }: { dir: string; record: FallbackRecord }): Promise<string> {
  return writeFileAtomically({ dir, name: fallbackFileName(record.id), data: `${JSON.stringify(record, null, 2)}\n` });
}

/** Removes the files of these records from `dir` (those already gone are fine). */
export async function removeFallbackFiles({ dir, ids }: { dir: string; ids: readonly number[] }): Promise<void> {
  for (const id of ids) {
    await unlink(join(dir, fallbackFileName(id))).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    });
  }
  if (ids.length > 0) await syncDirectory(dir);
}
