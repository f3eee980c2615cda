import { pino } from "pino";
import { CHECK_RUN_LIMITS } from "../src/checks/check-run-limits.js";
import { createPgliteDatabase } from "../src/db/create-pglite-database.js";
import { runMigrations } from "../src/db/run-migrations.js";
import { compareDigestFindings } from "../src/digest/digest-finding.js";
import { JobQueue } from "../src/jobs/job-queue.js";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../test/support/app-harness.js";
import { artifactFixture, hit, producedBy, type HitFixture } from "../test/support/artifact-fixtures.js";
import type { LoggedRequest } from "../test/support/github-simulator/index.js";
import { formatCount, type BenchTable } from "./bench-table.js";
import { makeHits } from "./make-hits.js";

const REPOSITORY = `${OWNER}/${REPO}`;
/** Finding counts the scenario runs at: the small test fixture, then larger scans. */
const SCALES = [3, 1_000, 10_000] as const;

type StepName = "first" | "unchanged" | "same findings, new scan" | "same findings, another scan" | "changed (line moved)" | "new finding" | "all resolved";

interface Step {
  name: StepName;
  document: Record<string, unknown>;
  /** The previous run's workflow attempted again (the same artifact arrives once more), instead of a new commit's run. */
  reattempt?: boolean;
  /** Hits of the artifact in the run's own repository (they become check run annotations). */
  ownHits: number;
  /** What the digest must look like afterwards, so the counts are of a scenario that worked. */
  expect: { state: "open" | "closed"; comments: number };
}

interface Counts {
  total: number;
  reads: number;
  writes: number;
  issueWrites: number;
  checkRunWrites: number;
}

/** What the requests cost: rate-limit points (requests counted against a primary limit) and reads answered 304. */
interface Cost {
  points: number;
  notModified: number;
}

// ---------------------------------------------------------------------------------------------
// The minimum possible, route by route.
//
// Every ingest of a new workflow run must, whatever the implementation:
// - read the repository config: this repository has no `.github/audit-digest.yml`, so both the
//   repository and the organisation's `.github` repository are read (2 GETs; 1 when the
//   repository has its own file);
// - list the run's artifacts (1 GET) and download the zip (1 GET answered with a redirect, plus
//   1 GET of the storage URL it points to: that is how GitHub serves artifacts);
// - give the head SHA its verdict: a check run can be created already completed, with its
//   output and the first 50 annotations in the same request, so 1 write, plus 1 PATCH for each
//   further batch of 50 annotations (GitHub's per-request limit; the app annotates at most
//   500 findings, so at most 10 check run writes). Nothing has to be read for it.
// The first request of an installation also needs an installation token (1 POST; the token
// lives an hour, so later ingests reuse it).
//
// The digest issue, by step:
// - first: the database has no record, and the digest must be found by listing issues with
//   the label before one is created (the recovery rule: a lost record must not lead to a
//   duplicate), so 1 GET (one page here); then the label is created (1 POST) and the issue
//   (1 POST). GitHub would create a missing label on issue creation by itself, but without
//   the colour and description, so the label POST is counted as needed.
// - unchanged (the very same artifact on a new run): the database knows it was applied: 0.
// - same findings, new scan (the findings are the same, only `generated_at` is newer): no
//   finding changed, so nothing a reader acts on changed: 0 reads, 0 writes; the same for
//   another such scan after it.
// - changed (a line moved): the live issue must be read (1 GET: a person may have closed or
//   locked it, and those decide what happens), then 1 PATCH.
// - new finding: 1 GET, 1 PATCH, and 1 comment (body edits notify nobody).
// - all resolved: 1 GET, 1 PATCH carrying the body and the close together, 1 comment.
//
// Rate-limit points, the minimum: every request above counts against the installation's primary
// limit (the token POST against the app's), except what a conditional request can answer with a
// 304 (which GitHub does not count) and the artifact's storage download (another host, no API
// limit). Here neither config read can be a 304: the repository has no file and the
// organisation no `.github` repository, and a 404 carries no entity tag. Every digest GET above
// follows the app's own write (the create, a PATCH) with no read in between, so its tag is not
// known yet and it is a full read; so every request but the storage download counts.
// ---------------------------------------------------------------------------------------------

const ROUTES = {
  token: "POST /app/installations/{installation_id}/access_tokens",
  config: "GET /repos/{owner}/{repo}/contents/{path}",
  listArtifacts: "GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts",
  downloadZip: "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
  blob: "GET /_blobs/{token}",
  createCheckRun: "POST /repos/{owner}/{repo}/check-runs",
  updateCheckRun: "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
  listIssues: "GET /repos/{owner}/{repo}/issues",
  createLabel: "POST /repos/{owner}/{repo}/labels",
  createIssue: "POST /repos/{owner}/{repo}/issues",
  getIssue: "GET /repos/{owner}/{repo}/issues/{issue_number}",
  updateIssue: "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
  createComment: "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
} as const;

const DIGEST_MINIMUM: Record<StepName, string[]> = {
  first: [ROUTES.listIssues, ROUTES.createLabel, ROUTES.createIssue],
  unchanged: [],
  "same findings, new scan": [],
  "same findings, another scan": [],
  "changed (line moved)": [ROUTES.getIssue, ROUTES.updateIssue],
  "new finding": [ROUTES.getIssue, ROUTES.updateIssue, ROUTES.createComment],
  "all resolved": [ROUTES.getIssue, ROUTES.updateIssue, ROUTES.createComment],
};

function minimumRoutes(step: Step, firstOfInstallation: boolean): string[] {
  const annotations = Math.min(step.ownHits, CHECK_RUN_LIMITS.annotationsTotal);
  const checkRunBatches = Math.max(1, Math.ceil(annotations / CHECK_RUN_LIMITS.annotationsPerRequest));
  return [
    ...(firstOfInstallation ? [ROUTES.token] : []),
    ROUTES.config,
    ROUTES.config,
    ROUTES.listArtifacts,
    ROUTES.downloadZip,
    ROUTES.blob,
    ...DIGEST_MINIMUM[step.name],
    ROUTES.createCheckRun,
    ...Array.from({ length: checkRunBatches - 1 }, () => ROUTES.updateCheckRun),
  ];
}

function minimumPoints(routes: readonly string[]): number {
  return routes.filter((route) => route !== ROUTES.blob).length;
}

function count(routes: readonly string[]): Counts {
  const writes = routes.filter((route) => !route.startsWith("GET "));
  return {
    total: routes.length,
    reads: routes.length - writes.length,
    writes: writes.length,
    issueWrites: writes.filter((route) => route.includes("/issues") || route.includes("/labels")).length,
    checkRunWrites: writes.filter((route) => route.includes("/check-runs")).length,
  };
}

/** What a surplus seen in the difference table comes from, printed only when it is seen. */
const SURPLUS_NOTES: Array<{ when: RegExp; note: string }> = [
  {
    when: /\+1 GET commits\/\{ref\}\/check-runs/,
    note:
      "GET commits/{ref}/check-runs, PATCH check-runs: no check run was prepared for the SHA (a run not started by a pull request), so the ingest looks for one, creates it queued and then completes it; creating it completed takes one request.",
  },
  {
    when: /\+1 GET labels\/\{name\}/,
    note: "GET labels/{name}: the label is looked up before it is created; creating it and taking 422 as \"exists\" needs no read.",
  },
  {
    when: /same findings, (new|another) scan: .*\+1 GET issues\/\{issue_number\}/,
    note:
      "GET issues/{issue_number} on \"same findings, new scan\": the digest is read before anything is decided (a person may have closed, locked or edited it); the read is conditional and answers 304, at no rate-limit point, once the app knows the issue's tag (the first time after its own write it reads in full).",
  },
  {
    when: /same findings, (new|another) scan: .*PATCH issues/,
    note: "same findings, new scan: the body shows the artifact's generated_at, so every new scan of unchanged findings reads and patches the digest.",
  },
];

/** Routes in `a` that are not matched one for one in `b`. */
function surplus(a: readonly string[], b: readonly string[]): string[] {
  const left = [...b];
  return a.filter((route) => {
    const at = left.indexOf(route);
    if (at === -1) return true;
    left.splice(at, 1);
    return false;
  });
}

const shortRoute = (route: string) => route.replace(" /repos/{owner}/{repo}/", " ");

function describeDifference(actual: readonly string[], minimum: readonly string[]): string {
  const tally = (routes: readonly string[], sign: string) => {
    const counts = new Map<string, number>();
    for (const route of routes) counts.set(route, (counts.get(route) ?? 0) + 1);
    return [...counts].map(([route, n]) => `${sign}${n} ${shortRoute(route)}`);
  };
  const parts = [...tally(surplus(actual, minimum), "+"), ...tally(surplus(minimum, actual), "-")];
  return parts.length ? parts.join(", ") : "none";
}

// ---------------------------------------------------------------------------------------------
// The scenario.
// ---------------------------------------------------------------------------------------------

/** A scan's `generated_at`: day 0 is 2026-11-20 at 10:00; half a day later is 22:00. */
const at = (day: number) => `2026-11-${String(20 + Math.floor(day)).padStart(2, "0")}T${day % 1 === 0 ? "10" : "22"}:00:00Z`;

/** The hit the digest lists first (most severe, then by repository, path, line). */
function leadingHit(hits: readonly HitFixture[]): number {
  let best = 0;
  const key = (h: HitFixture) => ({ severity: h.severity ?? "medium", repo: h.repo, path: h.path, line: h.line_number, fingerprint: "" });
  hits.forEach((h, i) => {
    if (compareDigestFindings(key(h), key(hits[best]!)) < 0) best = i;
  });
  return best;
}

function scenario(findings: number): Step[] {
  const base = findings === 3 ? (artifactFixture().org_unregistered_hits as HitFixture[]) : makeHits(findings);
  const own = (hits: readonly HitFixture[]) => hits.filter((h) => h.repo === REPOSITORY).length;
  const first = artifactFixture({ generated_at: at(0), org_unregistered_hits: base });
  // The line of the finding shown first moves, so the rendered body must change.
  const moved = base.map((h) => ({ ...h }));
  moved[leadingHit(moved)]!.line_number += 1;
  const added = [...moved, hit({ repo: "acme/api", path: "cmd/new.go", line_number: 5, pattern: "vault", severity: "critical" })];
  return [
    { name: "first", document: first, ownHits: own(base), expect: { state: "open", comments: 0 } },
    { name: "unchanged", document: first, reattempt: true, ownHits: own(base), expect: { state: "open", comments: 0 } },
    { name: "same findings, new scan", document: artifactFixture({ generated_at: at(1), org_unregistered_hits: base }), ownHits: own(base), expect: { state: "open", comments: 0 } },
    { name: "same findings, another scan", document: artifactFixture({ generated_at: at(1.5), org_unregistered_hits: base }), ownHits: own(base), expect: { state: "open", comments: 0 } },
    { name: "changed (line moved)", document: artifactFixture({ generated_at: at(2), org_unregistered_hits: moved }), ownHits: own(moved), expect: { state: "open", comments: 0 } },
    { name: "new finding", document: artifactFixture({ generated_at: at(3), org_unregistered_hits: added }), ownHits: own(added), expect: { state: "open", comments: 1 } },
    { name: "all resolved", document: artifactFixture({ generated_at: at(4), org_unregistered_hits: [] }), ownHits: 0, expect: { state: "closed", comments: 2 } },
  ];
}

let shaCounter = 0;

interface RunRef {
  runId: number;
  runAttempt: number;
  headSha: string;
}

/**
 * Uploads the artifact, signed and naming its run, on a new workflow run (a new commit), or
 * attempts `again` once more, and ingests it the way a worker does.
 */
async function ingest(harness: AppHarness, document: Record<string, unknown>, again?: RunRef): Promise<{ requests: LoggedRequest[]; run: RunRef }> {
  let run: RunRef;
  if (again) run = { ...again, runAttempt: again.runAttempt + 1 };
  else {
    const headSha = (++shaCounter).toString(16).padStart(40, "0");
    const created = harness.sim.createWorkflowRun({ repo: REPOSITORY, headSha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
    run = { runId: created.id, runAttempt: 1, headSha };
  }
  harness.sim.resetLog();
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, ...run, fromFork: false });
  return { requests: [...harness.sim.requests], run };
}

function verify(harness: AppHarness, step: Step, findings: number): void {
  const digests = harness.sim.issues(REPOSITORY).filter((issue) => issue.labels.includes("audit-digest"));
  const digest = digests[0];
  const problem =
    digests.length !== 1
      ? `${digests.length} digest issues`
      : digest!.state !== step.expect.state
        ? `digest is ${digest!.state}`
        : digest!.comments.length !== step.expect.comments
          ? `${digest!.comments.length} comments`
          : undefined;
  if (problem) throw new Error(`${formatCount(findings)} findings, step "${step.name}": expected one ${step.expect.state} digest with ${step.expect.comments} comments, found ${problem}`);
}

interface StepResult {
  findings: number;
  step: StepName;
  actual: Counts;
  minimum: Counts;
  actualCost: Cost;
  minimumPoints: number;
  difference: string;
}

/** A migrated PGlite database with the job queue's schema, dumped once and cloned per scale. */
async function makeTemplate(): Promise<Blob> {
  const db = await createPgliteDatabase({});
  try {
    await runMigrations({ db });
    const queue = await JobQueue.start({ db, databaseUrl: undefined, log: pino({ level: "silent" }), supervise: false });
    await queue.stop(5);
    return await db.dumpDataDir();
  } finally {
    await db.close();
  }
}

async function runScale(template: Blob, findings: number): Promise<StepResult[]> {
  const db = await createPgliteDatabase({ loadDataDir: template });
  const harness = await createAppHarness({ db });
  try {
    const results: StepResult[] = [];
    let firstOfInstallation = true;
    let previous: RunRef | undefined;
    for (const step of scenario(findings)) {
      const ingested = await ingest(harness, step.document, step.reattempt ? previous : undefined);
      previous = ingested.run;
      const routes = ingested.requests.map((request) => request.route);
      verify(harness, step, findings);
      const minimum = minimumRoutes(step, firstOfInstallation);
      const actualCost: Cost = {
        points: ingested.requests.filter((request) => request.countedAgainstRateLimit).length,
        notModified: ingested.requests.filter((request) => request.status === 304).length,
      };
      results.push({
        findings,
        step: step.name,
        actual: count(routes),
        minimum: count(minimum),
        actualCost,
        minimumPoints: minimumPoints(minimum),
        difference: describeDifference(routes, minimum),
      });
      firstOfInstallation = false;
    }
    harness.sim.assertNoViolations();
    return results;
  } finally {
    await harness.close();
    await db.close();
  }
}

/** GitHub requests per ingest at each step of one audit_id's life, next to the minimum possible. */
export async function benchRequestsPerIngest(): Promise<BenchTable[]> {
  const template = await makeTemplate();
  const results: StepResult[] = [];
  for (const findings of SCALES) results.push(...(await runScale(template, findings)));

  const cell = (actual: number, minimum: number) => `${actual} / ${minimum}`;
  const counts: BenchTable = {
    title: "GitHub requests per ingest (app / minimum possible)",
    headers: ["findings", "ingest", "total", "reads", "of which 304", "writes", "issue writes", "check-run writes", "rate-limit points"],
    rows: results.map((r) => [
      formatCount(r.findings),
      r.step,
      cell(r.actual.total, r.minimum.total),
      cell(r.actual.reads, r.minimum.reads),
      String(r.actualCost.notModified),
      cell(r.actual.writes, r.minimum.writes),
      cell(r.actual.issueWrites, r.minimum.issueWrites),
      cell(r.actual.checkRunWrites, r.minimum.checkRunWrites),
      cell(r.actualCost.points, r.minimumPoints),
    ]),
    notes: [
      "Each ingest is a new workflow run with its own head SHA, for the same audit_id, through the real job handler (\"unchanged\" attempts the first run again: the same artifact once more); the minimum is derived route by route in bench/requests-per-ingest.ts.",
      "Reads include the artifact download's redirect target. \"Of which 304\": conditional reads (If-None-Match) GitHub answered Not Modified, counted by the simulator. Rate-limit points: requests counted against a primary rate limit (a 304 and the storage download are not), from the simulator's request log; its minimum is derived in the same file. Issue writes count issue, comment and label requests. Check-run writes grow with the annotations of the run's own repository (50 per request) up to the app's cap of 500, then stop; nothing else depends on the number of findings.",
    ],
  };

  // The requests above (or below) the minimum, listed once when they are the same at every scale.
  const steps = [...new Set(results.map((r) => r.step))];
  const rows: string[][] = [];
  for (const step of steps) {
    const forStep = results.filter((r) => r.step === step);
    const same = forStep.every((r) => r.difference === forStep[0]!.difference);
    if (same) rows.push(["all", step, forStep[0]!.difference]);
    else for (const r of forStep) rows.push([formatCount(r.findings), step, r.difference]);
  }
  const seen = rows.map((row) => `${row[1]}: ${row[2]}`).join("\n");
  const difference: BenchTable = {
    title: "Requests the app sends beyond the minimum (+) or short of it (-)",
    headers: ["findings", "ingest", "difference"],
    rows,
    notes: SURPLUS_NOTES.filter(({ when }) => when.test(seen)).map(({ note }) => note),
  };
  return [counts, difference];
}
