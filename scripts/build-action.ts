/**
 * Writes the reusable action's entry point, action/index.mjs, and the notices of the packages
 * bundled in it. Run with `npm run build:action` after changing the command line; a test fails
 * when the committed files are stale.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleAction } from "./bundle-action.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main(): Promise<void> {
  for (const [relative, text] of Object.entries(await bundleAction())) {
    const target = path.join(repoRoot, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    console.log(`wrote ${relative} (${Buffer.byteLength(text)} bytes)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
