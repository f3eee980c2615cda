import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { JobQueue } from "../../src/jobs/job-queue.js";
import { createMetrics } from "../../src/metrics/create-metrics.js";
import { parseMetricsText } from "../metrics/scrape-metrics.js";
import { createTestDatabase } from "../support/test-database.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const rulesFile = "deploy/prometheus/alerts.yml";
const rulesTestFile = "deploy/prometheus/alerts.test.yml";
const RUNBOOK = "https://github.com/audit-digest/audit-digest/blob/main/docs/operations.md#";

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const groups = (parse(readFileSync(path.join(repoRoot, rulesFile), "utf8")) as { groups: Array<{ rules: AlertRule[] }> }).groups;
const rules = groups.flatMap((group) => group.rules);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

const promtoolFound = spawnSync("promtool", ["--version"], { stdio: "ignore" }).status === 0;

/** Runs promtool in the repository root, in a process group of its own that cleanup ends. */
function promtool(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", args, { cwd: repoRoot, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    cleanups.push(() => {
      try {
        if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, output }));
  });
}

/** PromQL words that are no metric: operators, modifiers, the names of aggregations' label lists. */
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"]);

/**
 * The metric names an expression selects: identifiers left once strings, label matchers,
 * range and subquery brackets, label lists (`by (...)`, `on (...)` …) and function calls'
 * names are taken out.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  return [...bare.matchAll(/(?<![\w:])[a-zA-Z_:][\w:]*(?![\w:]|\s*\()/g)]
    .map((match) => match[0])
    .filter((word) => !KEYWORDS.has(word.toLowerCase()) && !/^\d/.test(word));
}

/** Anchors GitHub gives the headings of a Markdown file. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading] of markdown.matchAll(/^#{1,6}\s+(.+?)\s*$/gm)) {
    anchors.add(heading!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").trim().replace(/\s/g, "-"));
  }
  return anchors;
}

describe("Prometheus alerting rules (deploy/prometheus/alerts.yml)", () => {
  // With CI=true a missing promtool fails (.ci/run installs Debian's prometheus); elsewhere these are skipped.
  describe.runIf(promtoolFound || process.env.CI === "true")("promtool", () => {
    it("accepts the rules (promtool check rules)", async () => {
      expect(promtoolFound, "promtool is missing: apt-get install -y prometheus").toBe(true);
      const { code, output } = await promtool(["check", "rules", rulesFile]);
      expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(code).toBe(0);
    });

    it("fires each alert on its series and stays quiet on the others (promtool test rules)", async () => {
      expect(promtoolFound, "promtool is missing: apt-get install -y prometheus").toBe(true);
      const { code, output } = await promtool(["test", "rules", rulesTestFile]);
      expect(output).toContain("SUCCESS");
      expect(code).toBe(0);
      // Every alert has a test in which it fires.
      const tests = (parse(readFileSync(path.join(repoRoot, rulesTestFile), "utf8")) as {
        tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
      }).tests;
      const fired = new Set(tests.flatMap((test) => (test.alert_rule_test ?? []).filter((t) => t.exp_alerts.length > 0).map((t) => t.alertname)));
      expect([...fired].sort()).toEqual(rules.map((rule) => rule.alert).sort());
    });
  });

  it("names only metrics the app exports, as a scrape of its registry lists them", async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.close());
    const queue = await JobQueue.start({ db, databaseUrl: undefined, log: pino({ level: "silent" }), supervise: false });
    cleanups.push(() => queue.stop(5));
    const exported = parseMetricsText(await createMetrics({ queue, db }).registry.metrics()).names;
    expect(exported).toContain("audit_digest_job_duration_seconds_bucket");
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      expect(names.filter((name) => !exported.has(name)), `${rule.alert}: ${rule.expr}`).toEqual([]);
    }
  });

  it("gives every alert a severity, a summary, a description and a runbook section that exists in docs/operations.md", () => {
    const anchors = headingAnchors(readFileSync(path.join(repoRoot, "docs/operations.md"), "utf8"));
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning|info)$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      const runbook = rule.annotations?.runbook_url ?? "";
      expect(runbook.startsWith(RUNBOOK), `${rule.alert}: ${runbook}`).toBe(true);
      expect(anchors, `${rule.alert}: no heading for ${runbook}`).toContain(runbook.slice(RUNBOOK.length));
    }
  });
});
