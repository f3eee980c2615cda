/**
 * `npm run reliability`: runs the reliability and security suites with RELIABILITY_REPORT_FILE
 * set, so each scenario records what it tried, and writes docs/reliability.md from the records.
 * Exits 1 when a test failed or a scenario lost, duplicated, leaked or crashed anything.
 * Needs what the tests need: TEST_DATABASE_URL and TEST_REDIS_URL for the PostgreSQL and Redis scenarios.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { failingScenarios, parseReliabilityFigures, renderReliabilityReport } from "./render-reliability-report.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SUITE_DIRS = ["test/reliability", "test/security"];

async function listSuites(): Promise<string[]> {
  const suites: string[] = [];
  for (const dir of SUITE_DIRS) {
    const entries = await readdir(path.join(repoRoot, dir)).catch(() => []);
    suites.push(...entries.filter((name) => name.endsWith(".test.ts")).map((name) => `${dir}/${name}`));
  }
  return suites.sort();
}

function runVitest({ suites, reportFile }: { suites: string[]; reportFile: string }): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "node_modules/vitest/vitest.mjs"), "run", ...suites], {
      cwd: repoRoot,
      env: { ...process.env, RELIABILITY_REPORT_FILE: reportFile },
      stdio: "inherit",
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code === 0));
  });
}

async function main(): Promise<void> {
  const suites = await listSuites();
  if (suites.length === 0) throw new Error(`no test files in ${SUITE_DIRS.join(" or ")}`);
  const dir = await mkdtemp(path.join(tmpdir(), "audit-digest-reliability-"));
  try {
    const reportFile = path.join(dir, "figures.jsonl");
    const started = Date.now();
    const testsPassed = await runVitest({ suites, reportFile });
    const figures = parseReliabilityFigures(await readFile(reportFile, "utf8").catch(() => ""));
    const report = renderReliabilityReport({
      figures,
      testsPassed,
      suites,
      seconds: (Date.now() - started) / 1000,
      node: process.version,
      cpus: availableParallelism(),
      date: new Date().toISOString().slice(0, 10),
    });
    await writeFile(path.join(repoRoot, "docs/reliability.md"), report);
    const failing = failingScenarios(figures);
    console.log(`wrote docs/reliability.md: ${figures.length} scenarios, ${failing.length} with a non-zero count`);
    if (!testsPassed || failing.length > 0) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
