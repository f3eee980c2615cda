import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { SECRET_KINDS } from "../../src/artifact/scrub-secrets.js";
import { createLogger } from "../../src/logging/create-logger.js";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { recordReliabilityFigures } from "../support/reliability-report.js";
import { CORPUS_SECRETS, SECRET_EXAMPLES } from "../support/secret-corpus.js";

/**
 * The secret corpus (test/support/secret-corpus.ts: every GitHub token prefix, AWS keys, PEM
 * blocks, JWTs, Slack, Stripe, SendGrid, Azure, npm and Google credentials, Basic and Bearer
 * headers, URL passwords, …) in the snippets, paths, patterns and rule ids of an artifact and in
 * its tool's name (in snippets also URL-encoded inside a parameter), ingested by the app against the GitHub simulator with request throttling on
 * (and one secondary rate limit met), once where it may file the digest and once where GitHub
 * refuses issue writes, so the findings go to a fallback record and its file. Neither a secret
 * nor a recognisable part of one (its last 12 characters), plain, URL-encoded or JSON-escaped,
 * appears in any request GitHub received, any fallback record row or file, any database row or
 * any line of a trace-level log.
 */

const HOME = `${OWNER}/${REPO}`;
const ISSUES_READ_ONLY = { actions: "read", checks: "write", issues: "read", contents: "read", metadata: "read", pull_requests: "read" } as const;
/** The part of a secret that is enough to recognise it. */
const TAIL_LENGTH = 12;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** Each secret, its last 12 characters, and both as they look URL-encoded and JSON-escaped. */
const LEAK_FORMS: ReadonlyArray<{ secret: string; form: string }> = CORPUS_SECRETS.flatMap((secret) => {
  const parts = [secret, secret.slice(-TAIL_LENGTH)];
  const forms = new Set(parts.flatMap((part) => [part, encodeURIComponent(part), JSON.stringify(part).slice(1, -1)]));
  return [...forms].map((form) => ({ secret, form }));
});

/** The secrets of the corpus that `text` shows, whole or in part. */
function leaked(text: string): string[] {
  return [...new Set(LEAK_FORMS.filter(({ form }) => text.includes(form)).map(({ secret }) => secret))];
}

/** Every example in a snippet, in a path (critical) and as pattern and rule id. */
function corpusArtifact(): Record<string, unknown> {
  return artifactFixture({
    tool: { name: `audit-scanner ${SECRET_EXAMPLES.find((e) => e.kind === "github-token")!.text}`, version: "3.1.0" },
    org_unregistered_hits: SECRET_EXAMPLES.flatMap(({ kind, text }, i) => [
      hit({ repo: HOME, path: `src/corpus/${i}-snippet.ts`, line_number: i + 1, pattern: `in-snippet-${kind}`, snippet: `const settings = load();\n${text}\nuse(settings);` }),
      hit({ repo: HOME, path: `deploy/${text}.txt`, line_number: i + 1, pattern: `in-path-${kind}`, severity: "critical" }),
      hit({ repo: HOME, path: `src/corpus/${i}-pattern.ts`, line_number: i + 1, pattern: text, rule_id: text, severity: "high" }),
      hit({
        repo: HOME,
        path: `src/corpus/${i}-encoded.ts`,
        line_number: i + 1,
        pattern: `url-encoded-${kind}`,
        snippet: `redirect("/login?next=${encodeURIComponent(`https://app.example/cb?to=${text}&s=1`)}");`,
      }),
    ]),
  });
}

/** Every row of every table of the app and of its job queue (job payloads included). */
async function databaseText(harness: AppHarness): Promise<string> {
  const { rows: tables } = await harness.db.query<{ table_schema: string; table_name: string }>(
    "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE' ORDER BY 1, 2",
  );
  const out: string[] = [];
  for (const { table_schema, table_name } of tables) {
    const { rows } = await harness.db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_schema}"."${table_name}" t`);
    out.push(...rows.map((r) => r.row));
  }
  return out.join("\n");
}

async function ingestCorpus({ issues }: { issues: "write" | "refused" }) {
  const out = new PassThrough();
  let log = "";
  out.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const fallbackDir = mkdtempSync(join(tmpdir(), "secret-leaks-"));
  cleanups.push(() => rmSync(fallbackDir, { recursive: true, force: true }));
  const harness = await createAppHarness({
    log: await createLogger({ level: "trace", format: "json" }, out),
    // Throttling on (writes spaced, rate limits retried), its waits shortened.
    octokit: { retryAfterBaseValue: 1 },
    env: { FALLBACK_DIR: fallbackDir },
    ...(issues === "refused" ? { permissions: ISSUES_READ_ONLY } : {}),
  });
  cleanups.push(async () => {
    harness.sim.assertNoViolations();
    await harness.close();
  });
  // The first check run write meets a secondary rate limit and is retried after retry-after.
  const secondary = harness.sim.injectFault({ method: "POST", route: "/repos/{owner}/{repo}/check-runs", secondaryRateLimit: true, retryAfter: 1, times: 1 });

  const headSha = "c".repeat(40);
  const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(corpusArtifact()) }] });
  let crashed = 0;
  try {
    await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
  } catch {
    crashed++;
  }
  await new Promise((resolve) => setImmediate(resolve));

  const requests = harness.sim.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)} ${JSON.stringify(r.requestBody ?? null)}`).join("\n");
  const { rows: records } = await harness.db.query<{ row: string }>("SELECT row_to_json(f)::text AS row FROM fallback_records f ORDER BY id");
  const files = readdirSync(fallbackDir).map((name) => readFileSync(join(fallbackDir, name), "utf8"));
  return { harness, headSha, crashed, secondaryFired: secondary.fired, requests, records: records.map((r) => r.row), files, log, database: await databaseText(harness) };
}

describe("the secret corpus", () => {
  it.each([
    ["the app files the digest", "write"],
    ["GitHub refuses issue writes, so the findings go to a fallback record and its file", "refused"],
  ] as const)("leaks nowhere when %s", async (situation, issues) => {
    const result = await ingestCorpus({ issues });
    const { harness, headSha } = result;

    const places = { requests: result.requests, records: result.records.join("\n"), files: result.files.join("\n"), database: result.database, log: result.log };
    const found = Object.fromEntries(Object.entries(places).map(([place, text]) => [place, leaked(text)]));
    const leaks = new Set(Object.values(found).flat()).size;
    recordReliabilityFigures({
      scenario: `Secret corpus: ${situation}`,
      tried: `${CORPUS_SECRETS.length} secrets of ${SECRET_KINDS.length} kinds in snippets, paths, patterns, rule ids and the tool name, ingested with throttling on; requests, fallback records and files, database rows and a trace log searched for each secret and its last ${TAIL_LENGTH} characters`,
      cases: CORPUS_SECRETS.length,
      lost: 0,
      duplicated: 0,
      leaked: leaks,
      crashed: result.crashed,
    });
    expect(result.crashed).toBe(0);
    expect(found).toEqual({ requests: [], records: [], files: [], database: [], log: [] });

    // What was written, so an empty place does not pass for a clean one.
    const [check] = harness.sim.checkRuns(HOME, { headSha, name: "Audit ingest gate" });
    expect(check?.conclusion).toBe("success");
    expect(result.secondaryFired).toBe(1);
    expect(result.log).toContain("GitHub request: PATCH");
    expect(result.log).toContain("GitHub secondary rate limit reached; retrying after retry-after");
    const digests = harness.sim.issues(HOME).filter((issue) => issue.body?.startsWith("<!-- audit-digest:v1 "));
    if (issues === "write") {
      expect(digests).toHaveLength(1);
      for (const { kind } of SECRET_KINDS) expect(digests[0]!.body, kind).toContain(`[REDACTED:${kind}]`);
      expect(result.records).toEqual([]);
    } else {
      expect(digests).toEqual([]);
      expect(result.records).toHaveLength(1);
      expect(result.files).toHaveLength(1);
      expect(result.files[0]).toContain('"status": "pending"');
      expect(check!.output.summary).toContain("**No digest was filed**");
    }

  });
});
