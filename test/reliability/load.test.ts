import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startAppProcess, type AppProcess } from "../../bench/support/start-app-process.js";
import { createPgliteDatabase } from "../../src/db/create-pglite-database.js";
import { HMAC_KEYS } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { createGitHubSimulator, type GitHubSimulator } from "../support/github-simulator/index.js";
import { recordReliabilityFigures } from "../support/reliability-report.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET } from "../support/test-config.js";
import { createTestDatabase } from "../support/test-database.js";
import { webhookExample } from "../support/webhook-examples.js";

/** Deliveries in the burst (LOAD_DELIVERIES overrides it, e.g. for a quicker run by hand). */
const DELIVERIES = Number(process.env.LOAD_DELIVERIES ?? 1_000);
/** Deliveries sent at once: each sender posts its next one as soon as the last is answered. */
const IN_FLIGHT = 100;
/** The deliveries go round-robin to this many installations, one repository each. */
const INSTALLATIONS = 50;
/** These installations' runs include two with a valid signed artifact of one audit_id each (the rest have no artifact). */
const WITH_ARTIFACTS = 25;
/** GitHub's limit: a delivery not answered within 10 s counts as failed (a product requirement, not a machine timing). */
const GITHUB_ACK_LIMIT_MS = 10_000;
/** The app process's peak resident set (VmHWM) must stay below this. */
const PEAK_RSS_BOUND_BYTES = 600 * 1024 * 1024;
/** How long the jobs may take after the last ack before the test gives up waiting (a bound on the wait, not a requirement). */
const PROCESSING_WAIT_MS = 240_000;
/** Stop waiting once no job has ended for this long (jobs that were never enqueued never end). */
const STALLED_MS = 60_000;
const INGEST_QUEUE = "ingest-workflow-run";
const PERMISSIONS = { actions: "read", checks: "write", issues: "write", contents: "read", metadata: "read", pull_requests: "read" } as const;

interface Delivery {
  repo: string;
  headSha: string;
  /** The artifact's audit_id, for a run that has one. */
  auditId: string | null;
  body: string;
  headers: Record<string, string>;
}

/**
 * GitHub with the installations and one workflow run per delivery (most without an artifact,
 * the first two runs of each of the first WITH_ARTIFACTS installations with a signed one of
 * that installation's audit_id), and the deliveries, signed before any timing starts.
 */
function arrangeBurst(sim: GitHubSimulator): Delivery[] {
  const repos = Array.from({ length: INSTALLATIONS }, (_, i) => {
    const account = `load-org-${i}`;
    sim.createInstallation({ id: 80_000 + i, account, permissions: { ...PERMISSIONS } });
    sim.createRepository({ owner: account, name: "app" });
    return { installationId: 80_000 + i, repo: `${account}/app`, auditId: i < WITH_ARTIFACTS ? `load-audit-${i}` : null };
  });
  return Array.from({ length: DELIVERIES }, (_, n) => {
    const target = repos[n % INSTALLATIONS]!;
    const round = Math.floor(n / INSTALLATIONS);
    const auditId = round < 2 ? target.auditId : null;
    const headSha = n.toString(16).padStart(40, "d");
    const artifacts = auditId
      ? [
          {
            name: "consumer-artifact",
            json: producedBy(
              artifactFixture({
                audit_id: auditId,
                generated_at: new Date(Date.UTC(2026, 10, 20, 10, 0, round)).toISOString().replace(".000", ""),
                org_unregistered_hits: [
                  hit({ repo: target.repo, path: "src/pay.ts", line_number: 10 + round, pattern: "payments-api", severity: "high" }),
                  hit({ repo: target.repo, path: "src/log.ts", line_number: 3, pattern: "logger", severity: "low" }),
                ],
              }),
            ),
          },
        ]
      : [];
    const run = sim.createWorkflowRun({ repo: target.repo, headSha, artifacts });
    const payload = webhookExample("workflow_run", "completed", { installationId: target.installationId });
    payload.repository = sim.json.repository(target.repo);
    payload.workflow_run = sim.json.workflowRun(target.repo, run.id);
    const body = JSON.stringify(payload);
    return {
      repo: target.repo,
      headSha,
      auditId,
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/load",
        "x-github-event": "workflow_run",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": `sha256=${createHmac("sha256", TEST_WEBHOOK_SECRET).update(body).digest("hex")}`,
      },
    };
  });
}

/** Sends every delivery, IN_FLIGHT at once; each ack is the time from sending to reading the whole response. */
async function sendBurst(url: string, deliveries: readonly Delivery[]): Promise<Array<{ status: number; ms: number }>> {
  const acks: Array<{ status: number; ms: number }> = new Array(deliveries.length);
  let next = 0;
  const sender = async () => {
    while (next < deliveries.length) {
      const index = next++;
      const { body, headers } = deliveries[index]!;
      const started = performance.now();
      const status = await fetch(url, { method: "POST", headers, body }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );
      acks[index] = { status, ms: performance.now() - started };
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
  return acks;
}

/** Ingest jobs run to an end (any outcome), from the app's `/metrics`. */
async function ingestJobsEnded(app: AppProcess): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^audit_digest_jobs_total\{[^}]*queue="ingest-workflow-run"[^}]*\} (\d+)/gm)) total += Number(match[1]);
  return total;
}

/** Head SHAs (of the burst's repositories) whose "Audit ingest gate" check run is completed, and check runs per SHA. */
function gateChecks(sim: GitHubSimulator, repos: ReadonlySet<string>) {
  const completed = new Set<string>();
  let mostPerSha = 0;
  for (const repo of repos) {
    const perSha = new Map<string, number>();
    for (const run of sim.checkRuns(repo)) {
      perSha.set(run.headSha, (perSha.get(run.headSha) ?? 0) + 1);
      if (run.status === "completed") completed.add(`${repo}@${run.headSha}`);
    }
    for (const count of perSha.values()) mostPerSha = Math.max(mostPerSha, count);
  }
  return { completed, mostPerSha };
}

/** Digest issues by audit_id, as GitHub holds them (from each issue's marker). */
function digestIssues(sim: GitHubSimulator, repos: ReadonlySet<string>): Map<string, number> {
  const byAudit = new Map<string, number>();
  for (const repo of repos) {
    for (const issue of sim.issues(repo)) {
      const auditId = /<!-- audit-digest:v\d+ (?:[a-z_]+=\S+ )*?audit_id=(\S+)/.exec(issue.body ?? "")?.[1];
      if (auditId) byAudit.set(auditId, (byAudit.get(auditId) ?? 0) + 1);
    }
  }
  return byAudit;
}

describe("a burst of webhook deliveries", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  });

  it(
    `${DELIVERIES} signed workflow_run.completed deliveries, ${IN_FLIGHT} in flight, over ${INSTALLATIONS} installations: every one acknowledged 2xx within GitHub's 10 s, every job completed, one digest per audit_id, bounded memory`,
    { timeout: 420_000 },
    async () => {
      const sim = createGitHubSimulator({
        app: { id: TEST_APP_ID },
        // GitHub's limits are not what this scenario is about: the installations' budgets are ample.
        rateLimit: { limit: 1_000_000 },
        secondaryLimits: { contentCreatingPerMinute: 1_000_000, concurrent: 10_000 },
      });
      const server = await sim.listen();
      cleanups.push(() => sim.close());
      const deliveries = arrangeBurst(sim);
      const repos = new Set(deliveries.map((delivery) => delivery.repo));
      const auditIds = new Set(deliveries.flatMap((delivery) => (delivery.auditId ? [delivery.auditId] : [])));

      const dataDir = mkdtempSync(join(tmpdir(), "audit-digest-load-"));
      cleanups.push(() => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })));
      await (await createTestDatabase({ dataDir })).close();
      const app: AppProcess = await startAppProcess({
        env: { DATA_DIR: dataDir, GHE_HOST: server.host, GHE_PROTOCOL: "http", AUDIT_HMAC_KEYS: HMAC_KEYS, },
        readyTimeoutMs: 180_000,
      });
      cleanups.push(() => app.stop({ graceMs: 5_000 }));

      // 1. The burst: every delivery answered, each within GitHub's limit.
      const burstStarted = performance.now();
      const acks = await sendBurst(app.webhookUrl, deliveries);
      const burstMs = performance.now() - burstStarted;
      const notAcknowledged = acks.filter((ack) => ack.status < 200 || ack.status >= 300).length;
      const tooSlow = acks.filter((ack) => ack.ms >= GITHUB_ACK_LIMIT_MS).length;
      const slowestAckMs = Math.max(...acks.map((ack) => ack.ms));

      // 2. Every delivery's job runs to its end (a run without an artifact and without a pull request waiting on it writes no check run).
      const deadline = Date.now() + PROCESSING_WAIT_MS;
      let ended = await ingestJobsEnded(app);
      let progressAt = Date.now();
      while (ended < DELIVERIES && Date.now() < deadline && Date.now() - progressAt < STALLED_MS) {
        await sleep(250);
        const now = await ingestJobsEnded(app);
        if (now > ended) progressAt = Date.now();
        ended = now;
      }
      const checks = gateChecks(sim, repos);
      const processedMs = performance.now() - burstStarted;
      const peakRssBytes = app.peakRssBytes();
      const exitCode = await app.stop({ graceMs: 30_000 });
      // Nothing secret in what the process wrote: the webhook secret, the HMAC secrets, the key, the artifacts' snippets.
      const secrets = [TEST_WEBHOOK_SECRET, ...HMAC_KEYS.split(",").map((entry) => entry.slice(entry.indexOf(":") + 1)), "PRIVATE KEY", "use(payments-api)"];
      const leaked = secrets.filter((secret) => app.output().includes(secret)).length;

      // 3. What the queue, the database and GitHub hold once the process has stopped.
      const db = await createPgliteDatabase({ dataDir });
      const { rows: jobStates } = await db.query<{ state: string; n: number }>("SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY state ORDER BY state", [INGEST_QUEUE]);
      const { rows: recorded } = await db.query<{ n: number }>("SELECT count(DISTINCT delivery_id)::int AS n FROM webhook_deliveries WHERE job_name = $1", [INGEST_QUEUE]);
      const { rows: verdictRows } = await db.query<{ verdict: string; n: number }>("SELECT verdict, count(*)::int AS n FROM ingests GROUP BY verdict ORDER BY verdict");
      const { rows: digestRows } = await db.query<{ audit_id: string; n: number }>("SELECT audit_id, count(*)::int AS n FROM digests GROUP BY audit_id");
      await db.close();
      const states = Object.fromEntries(jobStates.map((row) => [row.state, row.n]));
      const completedJobs = states.completed ?? 0;
      const issues = digestIssues(sim, repos);
      const verdicts = Object.fromEntries(verdictRows.map((row) => [row.verdict, row.n]));
      const withArtifact = deliveries.filter((delivery) => delivery.auditId !== null);
      const artifactChecksDone = withArtifact.filter((delivery) => checks.completed.has(`${delivery.repo}@${delivery.headSha}`)).length;

      const ingested = (verdicts.valid ?? 0) + (verdicts.missing ?? 0);
      const lost = DELIVERIES - Math.min(completedJobs, ingested) + (withArtifact.length - artifactChecksDone) + notAcknowledged;
      const duplicatedIssues = [...issues.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
      const duplicatedRows = digestRows.reduce((sum, row) => sum + Math.max(0, row.n - 1), 0);
      const duplicated = duplicatedIssues + duplicatedRows + (checks.mostPerSha > 1 ? checks.mostPerSha - 1 : 0);
      const crashed = exitCode === 0 ? 0 : 1;
      const ackMsSorted = acks.map((ack) => ack.ms).sort((a, b) => a - b);
      const p99 = ackMsSorted[Math.ceil(0.99 * ackMsSorted.length) - 1] ?? Number.NaN;
      recordReliabilityFigures({
        scenario: "Load: a burst of webhook deliveries (PGlite)",
        tried: `${DELIVERIES} signed workflow_run.completed deliveries, ${IN_FLIGHT} in flight, over ${INSTALLATIONS} installations (${withArtifact.length} with a signed artifact, ${auditIds.size} audit_ids), to the app as a child process on PGlite against the GitHub simulator over HTTP`,
        cases: DELIVERIES,
        lost,
        duplicated,
        leaked,
        crashed,
        notes: `burst sent in ${(burstMs / 1000).toFixed(1)} s, all processed ${(processedMs / 1000).toFixed(1)} s after its start; acks: ${DELIVERIES - notAcknowledged} 2xx, p99 ${Math.round(p99)} ms, slowest ${Math.round(slowestAckMs)} ms (limit 10 s); jobs ${JSON.stringify(states)}; peak RSS ${Math.round(peakRssBytes / 1024 / 1024)} MB (bound ${PEAK_RSS_BOUND_BYTES / 1024 / 1024} MB)`,
      });

      expect(notAcknowledged, app.output()).toBe(0);
      expect(tooSlow).toBe(0);
      expect(recorded[0]?.n).toBe(DELIVERIES);
      expect(states, app.output()).toEqual({ completed: DELIVERIES });
      expect(verdicts).toEqual({ missing: DELIVERIES - withArtifact.length, valid: withArtifact.length });
      expect(artifactChecksDone).toBe(withArtifact.length);
      expect(Object.fromEntries(issues)).toEqual(Object.fromEntries([...auditIds].map((auditId) => [auditId, 1])));
      expect(digestRows.map((row) => row.audit_id).sort()).toEqual([...auditIds].sort());
      expect(lost).toBe(0);
      expect(duplicated).toBe(0);
      expect(leaked).toBe(0);
      expect(crashed).toBe(0);
      expect(peakRssBytes).toBeLessThan(PEAK_RSS_BOUND_BYTES);
    },
  );
});
