import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { createTestDatabase } from "./test-database.js";

/**
 * A new PGlite `DATA_DIR` with the schema in place, as a first start leaves it, for a test of
 * the running app; removed when the test finishes (after its `afterEach` stopped the app).
 */
export async function freshDataDir(prefix: string): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), `audit-digest-${prefix}-`));
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  await (await createTestDatabase({ dataDir })).close();
  return dataDir;
}
