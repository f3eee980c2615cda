import { readFileSync } from "node:fs";
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
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["test/support/global-setup.ts"],
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
