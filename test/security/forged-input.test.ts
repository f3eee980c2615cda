import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { startApp, type RunningApp } from "../../src/start-app.js";
import { HMAC_KEYS } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";
import { freePort } from "../support/free-port.js";
import { freshDataDir } from "../support/fresh-data-dir.js";
import { createGitHubSimulator, signWebhookBody, type GitHubSimulator, type LoggedRequest } from "../support/github-simulator/index.js";
import { recordReliabilityFigures } from "../support/reliability-report.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testConfig } from "../support/test-config.js";
import { throttledOctokit } from "../support/throttled-octokit.js";
import { webhookExample, type WebhookPayload } from "../support/webhook-examples.js";
import { waitFor } from "../support/wait-for.js";

/**
 * Forged and foreign input against the running app over HTTP: webhooks GitHub did not sign,
 * one installation naming another's repositories, issue numbers and audit ids, and commands from
 * people and bots that may not change anything. The trust rules inside one installation (which
 * runs may write which digest, an artifact bound to its run) are in
 * test/ingest/trust-boundaries.test.ts; this file is about what crosses installations and what
 * arrives without GitHub's signature.
 */

/** Installation A (acme) is the one sending forged and foreign input; B (globex) must be untouched. */
const A = { id: 1, account: "acme", repo: "acme/app" };
const B = { id: 2, account: "globex", repo: "globex/app" };
const PERMISSIONS = { actions: "read", checks: "write", issues: "write", contents: "read", metadata: "read", pull_requests: "read" } as const;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** What each scenario measured, reported once the file is done. */
const figures: Array<Parameters<typeof recordReliabilityFigures>[0]> = [];
afterAll(() => {
  for (const entry of figures) recordReliabilityFigures(entry);
});

interface World {
  sim: GitHubSimulator;
  app: RunningApp;
  hookUrl: string;
  /** Delivers a webhook GitHub signed, as GitHub would; returns the app's status. */
  deliver(event: string, payload: WebhookPayload, deliveryId?: string): Promise<number>;
}

/** GitHub with installations A and B, each with a repository, and the app (PGlite, schedules off) receiving its webhooks. */
async function startWorld(): Promise<World> {
  const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
  const github = await sim.listen();
  cleanups.push(() => sim.close());
  for (const installation of [A, B]) {
    sim.createInstallation({ id: installation.id, account: installation.account, permissions: { ...PERMISSIONS } });
    const [owner, name] = installation.repo.split("/") as [string, string];
    sim.createRepository({ owner, name });
  }
  const dataDir = await freshDataDir("forged");
  const app = await startApp({
    config: testConfig({
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      GHE_HOST: github.host,
      GHE_PROTOCOL: "http",
      AUDIT_HMAC_KEYS: HMAC_KEYS,
      SCHEDULES_ENABLED: "false",
    }),
    log: pino({ level: "silent" }),
    octokit: throttledOctokit,
  });
  cleanups.push(() => app.stop());
  const hookUrl = `http://127.0.0.1:${app.port}/api/github/webhooks`;
  return {
    sim,
    app,
    hookUrl,
    deliver: (event, payload, deliveryId) => sim.deliverWebhook({ url: hookUrl, secret: TEST_WEBHOOK_SECRET, event, payload, ...(deliveryId ? { deliveryId } : {}) }),
  };
}

let shaCounter = 0;
const nextSha = () => (0xf000 + ++shaCounter).toString(16).padStart(40, "0");

/** A completed CI run in `repository` uploading `json`, and the `workflow_run.completed` payload GitHub sends for it to `installationId`. */
function completedRun(world: World, { repository, installationId, json = producedBy(artifactFixture()) }: { repository: string; installationId: number; json?: ReturnType<typeof producedBy> }) {
  const headSha = nextSha();
  const run = world.sim.createWorkflowRun({ repo: repository, headSha, artifacts: [{ name: "consumer-artifact", json }] });
  const payload = webhookExample("workflow_run", "completed", { installationId });
  payload.repository = world.sim.json.repository(repository);
  payload.workflow_run = world.sim.json.workflowRun(repository, run.id);
  return { runId: run.id, headSha, payload };
}

/** Ingests a run through a signed webhook and waits for its gate check to complete. */
async function ingestThroughWebhook(world: World, input: Parameters<typeof completedRun>[1]) {
  const run = completedRun(world, input);
  expect(await world.deliver("workflow_run", run.payload)).toBe(200);
  await waitFor(`the gate check of ${input.repository}@${run.headSha.slice(-4)}`, () =>
    world.sim.checkRuns(input.repository, { headSha: run.headSha }).find((check) => check.status === "completed"),
  );
  // The ledger row is written after the check run completes: the ingest is over once its job is.
  await jobsSettled(world.app.db);
  return run;
}

const digestOf = (world: World, repository: string) => world.sim.issues(repository).find((issue) => issue.labels.includes("audit-digest"));

/** Every row the database holds for an installation, table by table (tables with an installation_id column). */
async function rowsOfInstallation(db: Database, installationId: number): Promise<Record<string, unknown[]>> {
  const { rows: tables } = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'installation_id' ORDER BY table_name",
  );
  const out: Record<string, unknown[]> = {};
  for (const { table_name } of tables) {
    const { rows } = await db.query(`SELECT * FROM ${table_name} WHERE installation_id = $1`, [installationId]);
    out[table_name] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return out;
}

/** What GitHub shows of a repository's issues: state, title, body, labels and comments. */
function issuesAsShown(world: World, repository: string) {
  return world.sim.issues(repository).map((issue) => ({ number: issue.number, state: issue.state, title: issue.title, body: issue.body, labels: issue.labels, comments: issue.comments.map((c) => c.body) }));
}

/** Waits until no job is waiting or running (jobs that failed and wait for a retry aside), and returns those waiting for a retry. */
async function jobsSettled(db: Database): Promise<Array<{ name: string; data: Record<string, unknown> }>> {
  await waitFor("the queued jobs to finish", async () => {
    const { rows } = await db.query("SELECT 1 FROM pgboss.job WHERE name NOT LIKE '\\_\\_%' AND state IN ('created', 'active')");
    return rows.length === 0 ? true : undefined;
  });
  const { rows } = await db.query<{ name: string; data: Record<string, unknown> }>("SELECT name, data FROM pgboss.job WHERE name NOT LIKE '\\_\\_%' AND state = 'retry' ORDER BY name");
  return rows;
}

const deliveriesRecorded = async (db: Database) => (await db.query<{ n: string }>("SELECT count(*)::text AS n FROM webhook_deliveries")).rows[0]!.n;
const jobsQueued = async (db: Database) => (await db.query<{ n: string }>("SELECT count(*)::text AS n FROM pgboss.job WHERE name NOT LIKE '\\_\\_%'")).rows[0]!.n;

/** Posts a raw webhook request: the body as given and only the headers given beside the event's. */
async function post(world: World, { body, headers, deliveryId }: { body: string; headers: Record<string, string>; deliveryId: string }): Promise<number> {
  const response = await fetch(world.hookUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "GitHub-Hookshot/forged", "x-github-event": "workflow_run", "x-github-delivery": deliveryId, ...headers },
    body,
  });
  await response.text();
  return response.status;
}

describe("webhooks GitHub did not sign", () => {
  it("are refused with a 4xx, record nothing and cause no GitHub request; a replayed signature over a changed body is refused too", async () => {
    const world = await startWorld();
    const genuine = completedRun(world, { repository: A.repo, installationId: A.id });
    const other = completedRun(world, { repository: A.repo, installationId: A.id });
    const body = JSON.stringify(genuine.payload);
    const otherBody = JSON.stringify(other.payload);
    const sign = (secret: string, text: string) => signWebhookBody(secret, text);
    world.sim.resetLog();

    const forged: Array<{ name: string; body: string; headers: Record<string, string> }> = [
      { name: "no signature", body, headers: {} },
      { name: "signed with another secret", body, headers: { "x-hub-signature-256": sign("not-the-webhook-secret", body).sha256 } },
      { name: "the signature of another body", body, headers: { "x-hub-signature-256": sign(TEST_WEBHOOK_SECRET, otherBody).sha256 } },
      { name: "only the SHA-1 signature GitHub also sends", body, headers: { "x-hub-signature": sign(TEST_WEBHOOK_SECRET, body).sha1 } },
      { name: "a signature that is not hex", body, headers: { "x-hub-signature-256": `sha256=${"z".repeat(64)}` } },
      { name: "an empty signature", body, headers: { "x-hub-signature-256": "" } },
    ];
    const answers: Record<string, number> = {};
    for (const [i, forgery] of forged.entries()) {
      answers[forgery.name] = await post(world, { body: forgery.body, headers: forgery.headers, deliveryId: `forged-${i}` });
    }
    for (const [name, status] of Object.entries(answers)) {
      expect({ name, refused: status >= 400 && status < 500 }).toEqual({ name, refused: true });
    }
    // Nothing was recorded, so no job can run for them later.
    expect(await deliveriesRecorded(world.app.db)).toBe("0");
    expect(await jobsQueued(world.app.db)).toBe("0");
    const causedByForgeries = world.sim.requests.length;
    expect(world.sim.requests).toEqual([]);

    // The genuine delivery, as GitHub signs it, is taken: the forgeries were refused for their signatures alone.
    const genuineDelivery = "0c6a1f10-aaaa-4bbb-8ccc-000000000001";
    const signature = sign(TEST_WEBHOOK_SECRET, body).sha256;
    expect(await post(world, { body, headers: { "x-hub-signature-256": signature }, deliveryId: genuineDelivery })).toBe(200);
    await waitFor("the genuine delivery's gate check", () => world.sim.checkRuns(A.repo, { headSha: genuine.headSha }).find((check) => check.status === "completed"));
    const digest = digestOf(world, A.repo)!;
    const recorded = await deliveriesRecorded(world.app.db);
    const queued = await jobsQueued(world.app.db);

    // A captured delivery replayed with its signature but a changed body (another run) is refused;
    // so is the same body under the signature of the first.
    world.sim.resetLog();
    const replays = [
      { body: otherBody, headers: { "x-hub-signature-256": signature }, deliveryId: genuineDelivery },
      { body: otherBody, headers: { "x-hub-signature-256": signature }, deliveryId: "0c6a1f10-aaaa-4bbb-8ccc-000000000002" },
      { body: body.replace(`"head_sha":"${genuine.headSha}"`, `"head_sha":"${other.headSha}"`), headers: { "x-hub-signature-256": signature }, deliveryId: "0c6a1f10-aaaa-4bbb-8ccc-000000000003" },
    ];
    for (const replay of replays) {
      const status = await post(world, replay);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    expect(await deliveriesRecorded(world.app.db)).toBe(recorded);
    expect(await jobsQueued(world.app.db)).toBe(queued);
    expect(world.sim.requests).toEqual([]);
    expect(world.sim.checkRuns(A.repo, { headSha: other.headSha })).toEqual([]);
    expect(digestOf(world, A.repo)).toEqual(digest);
    world.sim.assertNoViolations();

    const cases = forged.length + replays.length;
    const caused = causedByForgeries + world.sim.requests.length;
    figures.push({
      scenario: "Forged webhooks",
      tried: "webhooks without GitHub's signature, signed with another secret, carrying another body's signature, SHA-1 only, malformed; a genuine delivery's signature replayed over a changed body",
      cases,
      lost: 0,
      duplicated: 0,
      leaked: caused,
      crashed: 0,
      notes: `every one answered ${[...new Set([...Object.values(answers)])].sort().join("/")} with no delivery recorded, no job queued and no GitHub request`,
    });
  });
});

describe("installation A and installation B", () => {
  it("nothing A sends that names B's repository, issue numbers, audit ids or fingerprints makes a request as B or to B's repository, or changes B's data", async () => {
    const world = await startWorld();
    const { sim, app } = world;
    // B has a digest of the same audit id as A's, with findings of its own; A has its digest.
    const bHits = [hit({ repo: B.repo, path: "src/b-secret.ts", line_number: 4, pattern: "payments-api" })];
    const bRun = await ingestThroughWebhook(world, { repository: B.repo, installationId: B.id, json: producedBy(artifactFixture({ org_unregistered_hits: bHits })) });
    await ingestThroughWebhook(world, { repository: A.repo, installationId: A.id });
    const bDigest = digestOf(world, B.repo)!;
    const aDigest = digestOf(world, A.repo)!;
    const { rows: bFindings } = await app.db.query<{ fingerprint: string }>("SELECT fingerprint FROM digest_findings WHERE installation_id = $1", [B.id]);
    expect(bFindings).toHaveLength(1);
    const bFingerprint = bFindings[0]!.fingerprint;
    const bRowsBefore = await rowsOfInstallation(app.db, B.id);
    const bIssuesBefore = issuesAsShown(world, B.repo);
    sim.setCollaboratorPermission({ repo: A.repo, username: "alice", permission: "write" });
    sim.resetLog();

    const tried: string[] = [];
    // 1. A's configuration names B's repository as the digest's home.
    tried.push("A's config puts the digest in B's repository");
    sim.setFileContent({ repo: A.repo, path: ".github/audit-digest.yml", content: `digest:\n  repository: ${B.repo}\n` });
    const homeInB = await ingestThroughWebhook(world, { repository: A.repo, installationId: A.id });
    expect(sim.checkRuns(A.repo, { headSha: homeInB.headSha })[0]!.conclusion).toBe("failure");

    // 2. A writer of A's repository dismisses B's finding by its fingerprint, on A's digest.
    tried.push("a command on A's digest names B's fingerprint");
    const commandReply = async (repository: string, issueNumber: number, author: string, body: string) => {
      const { id } = sim.addComment({ repo: repository, issueNumber, body, author });
      const payload = webhookExample("issue_comment", "created", { installationId: A.id });
      payload.repository = sim.json.repository(repository);
      payload.issue = sim.json.issue(repository, issueNumber);
      payload.comment = sim.json.comment(repository, id);
      payload.sender = payload.comment.user;
      expect(await world.deliver("issue_comment", payload)).toBe(200);
      return id;
    };
    await commandReply(A.repo, aDigest.number, "alice", `/audit fp ${bFingerprint.slice(0, 12)}`);
    const fpReply = await waitFor("the reply to /audit fp", () => sim.issue(A.repo, aDigest.number)!.comments.find((c) => c.byApp && c.body.includes(bFingerprint.slice(0, 12))));
    expect(fpReply.body).toContain("Nothing was changed");

    // 3. A's artifact, per-repository issues on, has findings in B's repository under B's audit id.
    tried.push("A's artifact has findings in B's repository, per-repository issues on");
    sim.setFileContent({ repo: A.repo, path: ".github/audit-digest.yml", content: 'digest:\n  producers: ["acme/*"]\nissues:\n  mode: per-repo\n' });
    const aHitsInB = [...(artifactFixture().org_unregistered_hits as unknown[]), hit({ repo: B.repo, path: "src/b-secret.ts", line_number: 4, pattern: "payments-api" })];
    await ingestThroughWebhook(world, { repository: A.repo, installationId: A.id, json: producedBy(artifactFixture({ generated_at: "2026-11-21T10:00:00Z", org_unregistered_hits: aHitsInB })) });

    await jobsSettled(app.db);
    const inB = (requests: LoggedRequest[]) => requests.filter((r) => r.path.toLowerCase().startsWith(`/repos/${B.repo}/`) || r.path.toLowerCase() === `/repos/${B.repo}`);
    const listed = (requests: LoggedRequest[]) => requests.map((r) => `${r.method} ${r.path} -> ${r.status} (installation ${r.installationId})`);
    // A's configuration, artifacts and commands never lead the app to B's repository.
    const fromArtifactsAndCommands = inB(sim.requests);
    expect(listed(fromArtifactsAndCommands)).toEqual([]);

    // 4. Webhooks for installation A that name B's repository: a comment on B's digest, a re-run of B's commit, B's workflow run.
    tried.push("a comment event for A on B's digest issue");
    const onB = webhookExample("issue_comment", "created", { installationId: A.id });
    onB.repository = sim.json.repository(B.repo);
    onB.issue = sim.json.issue(B.repo, bDigest.number);
    onB.comment = { ...onB.comment, body: "/audit rerun", user: { ...onB.comment.user, login: "alice", type: "User" } };
    onB.sender = onB.comment.user;
    expect(await world.deliver("issue_comment", onB)).toBe(200);
    tried.push("a check run re-request for A naming B's commit");
    const rerequest = webhookExample("check_run", "rerequested", { installationId: A.id });
    rerequest.repository = sim.json.repository(B.repo);
    rerequest.check_run = { ...rerequest.check_run, name: "Audit ingest gate", head_sha: bRun.headSha };
    expect(await world.deliver("check_run", rerequest)).toBe(200);
    tried.push("a completed workflow run for A naming B's run");
    const bRunForA = webhookExample("workflow_run", "completed", { installationId: A.id });
    bRunForA.repository = sim.json.repository(B.repo);
    bRunForA.workflow_run = sim.json.workflowRun(B.repo, bRun.runId);
    expect(await world.deliver("workflow_run", bRunForA)).toBe(200);
    const retrying = await jobsSettled(app.db);

    const asB = sim.requests.filter((r) => r.installationId === B.id);
    expect(listed(asB)).toEqual([]);
    // GitHub signs only events of an installation's own repositories, so these cannot come from it;
    // the app takes them as A's and asks GitHub with A's token, which GitHub refuses.
    const toB = inB(sim.requests);
    // The two jobs that asked are left to their retries (GitHub's 404 will not change), as A's.
    expect(retrying.map((job) => [job.name, job.data.installationId, job.data.owner])).toEqual([
      ["ingest-workflow-run", A.id, B.account],
      ["rerun-ingest", A.id, B.account],
    ]);
    expect(toB.filter((r) => r.installationId !== A.id || r.method !== "GET" || r.status !== 404)).toEqual([]);
    expect(issuesAsShown(world, B.repo)).toEqual(bIssuesBefore);
    expect(await rowsOfInstallation(app.db, B.id)).toEqual(bRowsBefore);
    // A's own digest went on working: the finding A's artifact placed in B's repository is listed in A's digest only.
    expect(digestOf(world, A.repo)!.body).toContain("b-secret.ts");
    sim.assertNoViolations();

    figures.push({
      scenario: "Foreign input across installations",
      tried: `installation A naming installation B's repository, digest issue, commit, run and fingerprint: ${tried.join("; ")}`,
      cases: tried.length,
      lost: 0,
      duplicated: 0,
      leaked: asB.length + fromArtifactsAndCommands.length,
      crashed: 0,
      notes: `leaked counts requests made as B, and requests to B's repository caused by A's configuration, artifacts and commands; the ${toB.length} reads of B's repository that webhooks naming it (which GitHub does not send) caused went with A's token and were refused 404; B's rows and issues compared before and after`,
    });
  });
});

describe("commands from people and bots that may not change anything", () => {
  it("a read-only user's command is refused with the product's answer, a bot's is not taken; the digest and its rows stay as they were", async () => {
    const world = await startWorld();
    const { sim, app } = world;
    await ingestThroughWebhook(world, { repository: A.repo, installationId: A.id });
    const digest = digestOf(world, A.repo)!;
    const { rows: findings } = await app.db.query<{ fingerprint: string }>("SELECT fingerprint FROM digest_findings ORDER BY fingerprint");
    const prefix = findings[0]!.fingerprint.slice(0, 12);
    sim.setCollaboratorPermission({ repo: A.repo, username: "reader", permission: "read" });
    const digestRows = async () => {
      const out: Record<string, unknown[]> = {};
      for (const table of ["digests", "digest_findings", "digest_dismissals", "digest_mutes", "suppression_events", "repo_issues", "ingests"]) {
        out[table] = (await app.db.query(`SELECT * FROM ${table} ORDER BY 1`)).rows;
      }
      return out;
    };
    const before = { body: digest.body, state: digest.state, rows: await digestRows() };

    const comment = async (author: string, body: string, { bot = false } = {}) => {
      const { id } = sim.addComment({ repo: A.repo, issueNumber: digest.number, body, author });
      const payload = webhookExample("issue_comment", "created", { installationId: A.id });
      payload.repository = sim.json.repository(A.repo);
      payload.issue = sim.json.issue(A.repo, digest.number);
      payload.comment = sim.json.comment(A.repo, id);
      // The simulator keeps the bot as a plain account; GitHub shows it as `<name>[bot]` of type Bot.
      if (bot) payload.comment.user = { ...payload.comment.user, login: `${author}[bot]`, type: "Bot" };
      payload.sender = payload.comment.user;
      expect(await world.deliver("issue_comment", payload)).toBe(200);
      return id;
    };
    const commands = [`/audit fp ${prefix}`, `/audit mute payments-api`, "/audit rerun"];
    const botComments: number[] = [];
    for (const line of commands) botComments.push(await comment("renovate", line, { bot: true }));
    const readerComments: number[] = [];
    for (const line of commands) readerComments.push(await comment("reader", line));

    const replies = await waitFor("the replies to the reader", () => {
      const found = sim.issue(A.repo, digest.number)!.comments.filter((c) => c.byApp && c.body.includes("audit-digest:reply"));
      return found.length >= commands.length ? found : undefined;
    });
    expect(replies).toHaveLength(commands.length);
    await jobsSettled(app.db);
    for (const reply of replies) {
      expect(reply.body).toContain("Sorry, this command needs write, maintain or admin permission on `acme/app` (yours is `read`). Nothing was changed.");
    }
    const comments = sim.issue(A.repo, digest.number)!.comments;
    expect(readerComments.map((id) => comments.find((c) => c.id === id)!.reactions)).toEqual(commands.map(() => ["confused"]));
    // The bot's comments became no job at all: no reply, no reaction.
    expect(botComments.map((id) => comments.find((c) => c.id === id)!.reactions)).toEqual(commands.map(() => []));
    const { rows: botJobs } = await app.db.query("SELECT 1 FROM pgboss.job WHERE name = 'audit-command' AND (data->>'commentId')::bigint = ANY($1::bigint[])", [botComments]);
    expect(botJobs).toEqual([]);
    expect(sim.requests.filter((r) => r.path.endsWith(`/issues/${digest.number}`) && r.method === "PATCH")).toEqual([]);

    const [after] = sim.issues(A.repo).filter((issue) => issue.labels.includes("audit-digest"));
    expect({ body: after!.body, state: after!.state, rows: await digestRows() }).toEqual(before);
    expect((await app.db.query("SELECT 1 FROM pgboss.job WHERE name = 'rerun-ingest'")).rows).toEqual([]);
    sim.assertNoViolations();

    figures.push({
      scenario: "Commands without write permission",
      tried: "/audit fp, mute and rerun on the digest from a read-only collaborator and from a bot",
      cases: commands.length * 2,
      lost: 0,
      duplicated: 0,
      leaked: 0,
      crashed: 0,
      notes: "the reader got the refusal and a confused reaction each time; the bot's comments enqueued nothing; digest body and rows unchanged",
    });
  });
});
