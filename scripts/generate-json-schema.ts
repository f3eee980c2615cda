/**
 * Writes the published JSON Schemas, generated from the zod schemas:
 *   schema/consumer-artifact.v1.json  (the artifact producers upload)
 *   schema/audit-digest-config.json   (.github/audit-digest.yml)
 * and docs/configuration.md, the reference of every environment variable and config key.
 * Run with `npm run schema`; a test fails when the committed files are stale.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderConfigurationDoc } from "./render-configuration-doc.js";
import { renderJsonSchemas } from "./render-json-schemas.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<void> {
  for (const [relative, text] of Object.entries({ ...renderJsonSchemas(), "docs/configuration.md": renderConfigurationDoc() })) {
    const target = path.join(repoRoot, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    console.log(`wrote ${relative}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
