import { randomBytes } from "node:crypto";
import { open, readdir, rename, unlink } from "node:fs/promises";
import { join } from "node:path";

/** Temporary files start with this; readers ignore them and start-up removes leftovers. */
export const TEMPORARY_FILE_PREFIX = ".tmp-";

/**
 * Writes `data` to `dir/name` so that a reader sees the old file or the complete new one,
 * never part of one, and a crash leaves no visible partial file: the data goes to a temporary
 * file in the same folder (mode 0600), which is fsynced, renamed over `name`, and the folder is
 * fsynced so the rename itself survives a power loss. A crash before the rename leaves only the
 * temporary file, which `removeTemporaryFiles` deletes at start-up.
 *
 * `beforeRename` runs once the data is durable in the temporary file and before it becomes
 * visible (a crash there must leave nothing visible, which tests check by killing the writer).
 */
export async function writeFileAtomically({
  dir,
  name,
  data,
  beforeRename,
}: {
  dir: string;
  name: string;
  data: string;
  beforeRename?: () => Promise<void>;
}): Promise<string> {
  if (name.startsWith(TEMPORARY_FILE_PREFIX) || name.includes("/") || name.includes("\\")) {
    throw new Error(`file name ${JSON.stringify(name)} must be a plain name not starting with ${TEMPORARY_FILE_PREFIX}`);
  }
  const target = join(dir, name);
  const temporary = join(dir, `${TEMPORARY_FILE_PREFIX}${name}.${randomBytes(6).toString("hex")}`);
  const file = await open(temporary, "wx", 0o600);
  try {
    try {
      await file.chmod(0o600);
      await file.writeFile(data, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    if (beforeRename) await beforeRename();
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
  return target;
}

/** Removes the temporary files a crashed writer left in `dir`; returns how many. */
export async function removeTemporaryFiles(dir: string): Promise<number> {
  const names = await readdir(dir);
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(TEMPORARY_FILE_PREFIX)) continue;
    await unlink(join(dir, name)).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    });
    removed++;
  }
  return removed;
}

/** Makes renames and deletions in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
