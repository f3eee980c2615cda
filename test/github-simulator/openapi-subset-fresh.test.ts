import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { buildOpenApiSubset, REGENERATE_COMMAND, SIMULATED_OPERATIONS } from "../../scripts/build-openapi-subset.js";
import { createGitHubSimulator } from "../support/github-simulator/index.js";
import { readOpenApiSubset } from "../support/github-simulator/load-openapi-subset.js";

const committed = readFileSync(new URL("../support/github-simulator/openapi-subset.json", import.meta.url), "utf8");

describe("the simulator's OpenAPI subset", () => {
  it(`is what @octokit/openapi gives today (run \`${REGENERATE_COMMAND}\` to regenerate)`, () => {
    const built = buildOpenApiSubset();
    const stale = committed !== built;
    // A short message first: the full diff of a 200 kB file says little by itself.
    expect(stale, `test/support/github-simulator/openapi-subset.json is stale: run \`${REGENERATE_COMMAND}\``).toBe(false);
    const version = (createRequire(import.meta.url)("@octokit/openapi/package.json") as { version: string }).version;
    expect(JSON.parse(committed)).toMatchObject({ info: { source: `@octokit/openapi@${version} generated/api.github.com.json`, regenerate: REGENERATE_COMMAND } });
  });

  it("holds exactly the operations the simulator serves, each with its responses", () => {
    const operations = readOpenApiSubset().operations;
    expect(operations.map((operation) => `${operation.method} ${operation.route}`).sort()).toEqual([...SIMULATED_OPERATIONS].sort());
    for (const operation of operations) expect(Object.keys(operation.responses), operation.operationId).not.toHaveLength(0);
    // The simulator refuses to start when a route and the subset disagree.
    expect(() => createGitHubSimulator()).not.toThrow();
  });
});
