/**
 * Writes test/support/github-simulator/openapi-subset.json, the operations the GitHub simulator
 * serves trimmed from GitHub's OpenAPI description (see build-openapi-subset.ts).
 *
 * Run with: npx tsx scripts/extract-openapi-subset.ts
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildOpenApiSubset, SIMULATED_OPERATIONS } from "./build-openapi-subset.js";

const outPath = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "support", "github-simulator", "openapi-subset.json");
writeFileSync(outPath, buildOpenApiSubset());
console.log(`Wrote ${SIMULATED_OPERATIONS.length} operations to ${outPath}`);
