import type { Context } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { auditCommandRoute } from "../../src/commands/audit-command-route.js";
import { loadPatternFeedback } from "../../src/feedback/load-pattern-feedback.js";
import type { JobData } from "../../src/jobs/job-payloads.js";
import { createMetrics } from "../../src/metrics/create-metrics.js";
import { createAppHarness, INSTALLATION_ID, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { webhookExample } from "../support/webhook-examples.js";

const HOME = `${OWNER}/${REPO}`;

let harness: AppHarness;
afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

const HITS = [
  hit({ repo: "acme/app", path: "src/pay.ts", line_number: 10, pattern: "payments-api", severity: "high" }),
  hit({ repo: "acme/web", path: "lib/x.js", line_number: 7, pattern: "payments-api", severity: "critical" }),
  hit({ repo: "acme/app", path: "src/pay2.ts", line_number: 4, pattern: "payments-api" }),
  hit({ repo: "acme/app", path: "src/log.ts", line_number: 3, pattern: "logger", severity: "low" }),
  hit({ repo: "acme/app", path: "src/log2.ts", line_number: 8, pattern: "logger", severity: "low" }),
  hit({ repo: "acme/app", path: "src/t.ts", line_number: 1, pattern: "tokens" }),
];

let shaCounter = 0;
async function ingest(document: Record<string, unknown>) {
  const headSha = (0xf000 + ++shaCounter).toString(16).padStart(40, "0");
  const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
  const digest = harness.sim.issues(HOME).find((issue) => issue.labels.includes("audit-digest"));
  if (!digest) throw new Error("no digest filed");
  return digest.number;
}

async function fingerprintOf(path: string): Promise<string> {
  const { rows } = await harness.db.query<{ fingerprint: string }>("SELECT fingerprint FROM digest_findings WHERE hit->>'path' = $1", [path]);
  if (rows.length !== 1) throw new Error(`expected one finding at ${path}`);
  return rows[0]!.fingerprint;
}

/** Comments `body` as maria (a writer) and runs the job the webhook route makes of it. */
async function command(issueNumber: number, body: string): Promise<void> {
  const { id } = harness.sim.addComment({ repo: HOME, issueNumber, body, author: "maria" });
  const payload = webhookExample("issue_comment", "created", { installationId: INSTALLATION_ID });
  payload.repository = harness.sim.json.repository(HOME);
  payload.issue = harness.sim.json.issue(HOME, issueNumber);
  payload.comment = harness.sim.json.comment(HOME, id);
  payload.sender = payload.comment.user;
  const data = auditCommandRoute.toJob({ payload } as unknown as Context<"issue_comment.created">) as JobData<"audit-command"> | null;
  if (data === null) throw new Error(`${body} made no job`);
  await harness.runJob("audit-command", data);
  const reactions = harness.sim.issue(HOME, issueNumber)!.comments.find((c) => c.id === id)!.reactions;
  if (!reactions.includes("+1")) throw new Error(`${body} was not done (reactions: ${reactions.join(", ")})`);
}

const digestBody = (issueNumber: number): string => harness.sim.issue(HOME, issueNumber)!.body!;
const footerLine = (body: string): string | undefined => body.split("\n").find((line) => line.startsWith("<sub>Dismissed as false positive"));

describe("false-positive feedback", () => {
  it("dismissals show in the digest footer, the fp report and /metrics; a change that moves no finding leaves the body as it was", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const issueNumber = await ingest(artifactFixture({ org_unregistered_hits: HITS }));
    expect(footerLine(digestBody(issueNumber))).toBeUndefined();

    await command(issueNumber, `/audit fp ${(await fingerprintOf("src/log.ts")).slice(0, 10)} only debug output`);
    await command(issueNumber, `/audit fp ${(await fingerprintOf("src/t.ts")).slice(0, 10)}`);
    await command(issueNumber, `/audit fp ${(await fingerprintOf("src/pay.ts")).slice(0, 10)} --tests`);
    await command(issueNumber, `/audit wontfix ${(await fingerprintOf("lib/x.js")).slice(0, 10)} vendored`);

    // Worst first; a pattern without false positives is not named.
    const body = digestBody(issueNumber);
    expect(footerLine(body)).toBe("<sub>Dismissed as false positive, worst patterns: `tokens` 1 of 1 (100%) · `logger` 1 of 2 (50%)</sub>");
    expect(body.endsWith("<sub>audit-digest · audit_id: `org-audit`</sub>\n")).toBe(true);

    // A mute that matches no finding changes no count: the body is byte-identical and is not patched.
    harness.sim.resetLog();
    await command(issueNumber, "/audit mute no-such-pattern");
    expect(harness.sim.writes().filter((r) => r.method === "PATCH" && r.path === `/repos/${HOME}/issues/${issueNumber}`)).toEqual([]);
    expect(digestBody(issueNumber)).toBe(body);

    // The next complete scan no longer reports src/log2.ts: it counts as resolved.
    await ingest(artifactFixture({ generated_at: "2026-11-21T10:00:00Z", org_unregistered_hits: HITS.filter((h) => h.path !== "src/log2.ts") }));
    expect(footerLine(digestBody(issueNumber))).toBe("<sub>Dismissed as false positive, worst patterns: `tokens` 1 of 1 (100%) · `logger` 1 of 2 (50%)</sub>");

    expect(await loadPatternFeedback(harness.db)).toEqual([
      { pattern: "tokens", findings: 1, counts: { false_positive: 1, wont_fix: 0, used_in_tests: 0, suppressed: 0, open: 0, resolved: 0 }, falsePositiveRate: 1 },
      { pattern: "logger", findings: 2, counts: { false_positive: 1, wont_fix: 0, used_in_tests: 0, suppressed: 0, open: 0, resolved: 1 }, falsePositiveRate: 0.5 },
      { pattern: "payments-api", findings: 3, counts: { false_positive: 0, wont_fix: 1, used_in_tests: 1, suppressed: 0, open: 1, resolved: 0 }, falsePositiveRate: 0 },
    ]);

    const text = await createMetrics({ queue: harness.queue, db: harness.db }).registry.metrics();
    const lines = text.split("\n");
    expect(lines).toContain('audit_digest_pattern_findings{pattern="tokens",outcome="false_positive"} 1');
    expect(lines).toContain('audit_digest_pattern_findings{pattern="logger",outcome="false_positive"} 1');
    expect(lines).toContain('audit_digest_pattern_findings{pattern="logger",outcome="resolved"} 1');
    // Without a false positive, payments-api is counted under "other".
    expect(lines).toContain('audit_digest_pattern_findings{pattern="other",outcome="wont_fix"} 1');
    expect(lines).toContain('audit_digest_pattern_findings{pattern="other",outcome="used_in_tests"} 1');
    expect(lines).toContain('audit_digest_pattern_findings{pattern="other",outcome="open"} 1');
    expect(text).not.toContain('pattern="payments-api"');
    expect(lines).toContain('audit_digest_suppression_events_total{action="dismiss",reason="false_positive"} 2');
    expect(lines).toContain('audit_digest_suppression_events_total{action="dismiss",reason="used_in_tests"} 1');
    expect(lines).toContain('audit_digest_suppression_events_total{action="dismiss",reason="wont_fix"} 1');
    expect(lines).toContain('audit_digest_suppression_events_total{action="mute",reason="muted"} 1');
  });

  it("/metrics names at most ten patterns, the ones with the most false positives, and sums the rest as other", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    // Pattern p00 has one finding, p01 two, … p11 twelve; one of each is a false positive,
    // and p11's second finding too: p11 has the most false positives.
    const hits = Array.from({ length: 12 }, (_, p) =>
      Array.from({ length: p + 1 }, (_, i) => hit({ repo: "acme/app", path: `src/p${String(p).padStart(2, "0")}/f${i}.ts`, line_number: 1, pattern: `p${String(p).padStart(2, "0")}` })),
    ).flat();
    const issueNumber = await ingest(artifactFixture({ org_unregistered_hits: hits }));
    for (let p = 0; p < 12; p++) await command(issueNumber, `/audit fp ${await fingerprintOf(`src/p${String(p).padStart(2, "0")}/f0.ts`)}`);
    await command(issueNumber, `/audit fp ${await fingerprintOf("src/p11/f1.ts")}`);

    const text = await createMetrics({ queue: harness.queue, db: harness.db }).registry.metrics();
    const patterns = new Set([...text.matchAll(/^audit_digest_pattern_findings\{pattern="([^"]*)"/gm)].map((m) => m[1]));
    // p11 first (two false positives); then by rate: p00 (1 of 1), p01 (1 of 2), … p08; p09 and p10 are "other".
    expect([...patterns].sort()).toEqual(["other", "p00", "p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08", "p11"]);
    const lines = text.split("\n");
    expect(lines).toContain('audit_digest_pattern_findings{pattern="p11",outcome="false_positive"} 2');
    expect(lines).toContain('audit_digest_pattern_findings{pattern="p11",outcome="open"} 10');
    expect(lines).toContain('audit_digest_pattern_findings{pattern="other",outcome="false_positive"} 2');
    expect(lines).toContain(`audit_digest_pattern_findings{pattern="other",outcome="open"} ${9 + 10}`);
  });
});
