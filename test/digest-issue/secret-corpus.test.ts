import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { SECRET_KINDS } from "../../src/artifact/scrub-secrets.js";
import { createLogger } from "../../src/logging/create-logger.js";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { markdownRegions } from "../support/markdown-regions.js";
import { CORPUS_SECRETS, SECRET_EXAMPLES } from "../support/secret-corpus.js";

/**
 * Acceptance: an artifact carrying one secret of every kind the app detects, in snippets, paths,
 * patterns, rule ids and the tool name, ingested end to end. Nothing GitHub received, no row of
 * the database and no line of a trace-level log holds any of them.
 */

const HOME = `${OWNER}/${REPO}`;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

async function setup(config: string) {
  const out = new PassThrough();
  let written = "";
  out.on("data", (chunk: Buffer) => (written += chunk.toString()));
  const log = await createLogger({ level: "trace", format: "json" }, out);
  const harness = await createAppHarness({ log });
  cleanups.push(async () => {
    harness.sim.assertNoViolations();
    await harness.close();
  });
  harness.sim.setFileContent({ repo: HOME, path: ".github/audit-digest.yml", content: config });
  const logText = async (): Promise<string> => {
    await new Promise((resolve) => setImmediate(resolve));
    return written;
  };
  return { harness, logText };
}

/** Every example in a snippet (medium), in a path (critical) and as pattern and rule id (high). */
function corpusHits() {
  return SECRET_EXAMPLES.flatMap(({ kind, text }, i) => [
    hit({ repo: HOME, path: `src/corpus/${i}-snippet.ts`, line_number: i + 1, pattern: `in-snippet-${kind}`, snippet: `config = load()\n${text}\nnext(config)` }),
    hit({ repo: HOME, path: `deploy/${text}.txt`, line_number: i + 1, pattern: `in-path-${kind}`, severity: "critical" }),
    hit({ repo: HOME, path: `src/corpus/${i}-pattern.ts`, line_number: i + 1, pattern: text, rule_id: text, severity: "high" }),
  ]);
}

let shaCounter = 0;
async function ingest(harness: AppHarness, document: Record<string, unknown>) {
  const headSha = (++shaCounter).toString(16).padStart(40, "0");
  const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
  return headSha;
}

/** The secrets (and their URL-encoded forms) found in `text`. */
function leaked(text: string): string[] {
  return CORPUS_SECRETS.filter((secret) => text.includes(secret) || text.includes(encodeURIComponent(secret)));
}

async function databaseText(harness: AppHarness): Promise<Record<string, string>> {
  const { rows: tables } = await harness.db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const { rows } = await harness.db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
    out[table_name] = rows.map((r) => r.row).join("\n");
  }
  return out;
}

describe.each([
  ["digest", "issues:\n  mode: digest\n"],
  ["per-repo", "issues:\n  mode: per-repo\n"],
])("secret corpus, issues.mode %s", (mode, config) => {
  it("no secret reaches GitHub, the database or the log", async () => {
    const { harness, logText } = await setup(config);
    const tool = { name: `audit-scanner ${SECRET_EXAMPLES.find((e) => e.kind === "npm-token")!.text}`, version: "3.1.0" };
    // First a clean scan, then the corpus: the digest is filed, patched, and a comment names the new findings.
    await ingest(harness, artifactFixture({ tool, org_unregistered_hits: [hit({ repo: HOME, path: "src/clean.ts", line_number: 1, pattern: "clean" })] }));
    const headSha = await ingest(harness, artifactFixture({ tool, generated_at: "2026-11-21T10:00:00Z", org_unregistered_hits: corpusHits() }));

    // What GitHub received: every request body and address.
    const sent = harness.sim.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)} ${JSON.stringify(r.requestBody ?? null)}`);
    expect(sent.length).toBeGreaterThan(5);
    expect(leaked(sent.join("\n"))).toEqual([]);

    // The digest shows every kind redacted, links no path that held a secret, and keeps code free of invisible characters.
    const digest = harness.sim.issues(HOME).find((issue) => issue.body!.startsWith("<!-- audit-digest:v1 "))!;
    for (const { kind } of SECRET_KINDS) expect(digest.body, kind).toContain(`[REDACTED:${kind}]`);
    expect(digest.body).not.toMatch(/\]\(https:\/\/[^)]*\/deploy\//);
    expect(digest.body).toContain("/blob/");
    expect(markdownRegions(digest.body!).code.join("\n")).not.toContain("\u200B");
    expect(digest.comments).toHaveLength(1);
    expect(digest.comments[0]!.body).toContain("`deploy/");
    expect(digest.comments[0]!.body).not.toContain("/deploy/");

    // The check run: findings whose path holds a secret are counted, not annotated.
    const [check] = harness.sim.checkRuns(HOME, { headSha });
    const annotations = check!.output.annotations;
    expect(annotations).toHaveLength(SECRET_EXAMPLES.length * 2);
    expect(annotations.some((a) => a.path.startsWith("deploy/"))).toBe(false);
    expect(check!.output.summary).toContain(`${SECRET_EXAMPLES.length} findings are not annotated because their paths hold a secret`);
    expect(check!.output.summary).toContain("`audit-scanner [REDACTED:npm-token] 3.1.0`");

    // The database: every row of every table.
    const tables = await databaseText(harness);
    expect(tables.digest_findings!.split("\n")).toHaveLength(SECRET_EXAMPLES.length * 3 + 1);
    if (mode === "per-repo") expect(tables.repo_issues!.split("\n").filter(Boolean).length).toBeGreaterThan(0);
    for (const [table, text] of Object.entries(tables)) expect(leaked(text), table).toEqual([]);

    // The log, written at trace level.
    const log = await logText();
    expect(log).toContain("GitHub request: PATCH");
    expect(log).toContain("run ingested");
    expect(leaked(log)).toEqual([]);
  });
});
