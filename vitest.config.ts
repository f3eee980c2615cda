import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { defineConfig, type Plugin } from "vitest/config";

/**
 * GitHub's workflow parser (`@actions/workflow-parser`) imports its schema JSON without an import
 * attribute, which Node refuses, so Vite transforms it (`server.deps.inline`). Its files point to
 * source maps of sources it does not ship; loading them without the map comment spares every run
 * a warning per file.
 */
const workflowParserWithoutSourceMaps: Plugin = {
  name: "workflow-parser-without-source-maps",
  load(id) {
    if (!/[/\\]node_modules[/\\]@actions[/\\]workflow-parser[/\\].*\.js$/.test(id)) return null;
    return { code: readFileSync(id, "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, ""), map: null };
  },
};

export default defineConfig({
  plugins: [workflowParserWithoutSourceMaps],
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // Most files wait on child processes, databases or the GitHub simulator more than on the CPU,
    // so even two cores run two files at once (Vitest's default would be one there).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["test/support/global-setup.ts"],
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
