import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { removeTemporaryFiles } from "./write-file-atomically.js";

/**
 * Start-up for `FALLBACK_DIR`: creates it (mode 0700) when missing, fails when this process may
 * not write there (better at start than at the first record), and removes the temporary files a
 * writer that crashed before its rename left behind. Returns how many were removed.
 */
export async function prepareFallbackDir(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new Error(`FALLBACK_DIR ${dir} is not writable by this process; fix its owner or mode, or unset FALLBACK_DIR`);
  }
  return removeTemporaryFiles(dir);
}
