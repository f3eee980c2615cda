import type { Context } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { auditCommandRoute } from "../../src/commands/audit-command-route.js";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import {
  commandReplies,
  commentEvent as commentEventOf,
  HOME,
  ingestArtifact,
  reactionsOn as reactionsOf,
  runCommand,
  storedFindings,
} from "../support/command-world.js";

let harness: AppHarness;
afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

/** A digest filed by ingesting the fixture artifact in the home repository. */
const arrangeDigest = (json = producedBy(artifactFixture())) => ingestArtifact(harness, { json });
/** The stored findings of the digest: fingerprint, status and path. */
const fingerprints = async () => (await storedFindings(harness)).map(({ fingerprint, status, path }) => ({ fingerprint, status, path }));
/** Comments `body` and runs the job the webhook route makes of it (null: no job). */
const command = (issueNumber: number, body: string, { author = "maria", byApp = false } = {}) => runCommand(harness, { issueNumber, body, author, byApp });
const commentEvent = (issueNumber: number, commentId: number) => commentEventOf(harness, HOME, issueNumber, commentId);
const replies = (issueNumber: number) => commandReplies(harness, issueNumber);
const reactionsOn = (issueNumber: number, commentId: number) => reactionsOf(harness, issueNumber, commentId);

describe("/audit fp and wontfix", () => {
  it("a writer's fp suppresses the finding: the digest is patched once, counts drop, it is listed under Suppressed with who and why, the reply and +1 exist", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const { digest } = await arrangeDigest();
    expect(digest.body).toContain("**Open: 3**");
    const target = (await fingerprints()).find((f) => f.path === "src/log.ts")!;
    harness.sim.resetLog();

    const { commentId } = await command(digest.number, `/audit fp ${target.fingerprint.slice(0, 10)} only the logger @someone`);

    const patches = harness.sim.writes().filter((r) => r.method === "PATCH" && r.path === `/repos/${HOME}/issues/${digest.number}`);
    expect(patches).toHaveLength(1);
    const body = harness.sim.issue(HOME, digest.number)!.body!;
    expect(body).toContain("**Open: 2**");
    expect(body).toContain("**Suppressed: 1**");
    const suppressed = body.slice(body.indexOf("### Suppressed"));
    expect(suppressed).toContain("src/log.ts");
    // Shown as escaped, neutralised text: nobody is pinged.
    expect(suppressed.replace(/[\\\u200b]/g, "")).toMatch(/false positive: @maria on \d{4}-\d{2}-\d{2} \(only the logger @someone\)/);
    expect(suppressed).not.toContain("@someone");
    expect(await fingerprints()).toContainEqual({ fingerprint: target.fingerprint, status: "suppressed", path: "src/log.ts" });
    const { rows } = await harness.db.query("SELECT reason, note, actor FROM digest_dismissals");
    expect(rows).toEqual([{ reason: "false_positive", note: "only the logger @someone", actor: "maria" }]);

    const [reply] = replies(digest.number);
    expect(reply!.body).toContain("Dismissed");
    expect(reply!.body).toContain("as false positive");
    expect(reply!.body.replace(/`[^`]*`/g, "")).not.toContain("@someone");
    expect(reactionsOn(digest.number, commentId)).toEqual(["+1"]);
  });

  it("a reader's fp is refused with a reply naming the permission needed, and changes nothing", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "rita", permission: "read" });
    const { digest } = await arrangeDigest();
    const before = harness.sim.issue(HOME, digest.number)!.body;
    const target = (await fingerprints())[0]!;

    const { commentId } = await command(digest.number, `/audit fp ${target.fingerprint}`, { author: "rita" });

    expect(harness.sim.issue(HOME, digest.number)!.body).toBe(before);
    expect((await harness.db.query("SELECT * FROM digest_dismissals")).rows).toEqual([]);
    expect((await fingerprints()).every((f) => f.status === "open")).toBe(true);
    const [reply] = replies(digest.number);
    expect(reply!.body).toContain("needs write, maintain or admin permission on `acme/app` (yours is `read`)");
    expect(reactionsOn(digest.number, commentId)).toEqual(["confused"]);
  });

  it("when GitHub cannot tell the permission, the command is refused (fail closed)", async () => {
    harness = await createAppHarness();
    const { digest } = await arrangeDigest();
    const target = (await fingerprints())[0]!;
    harness.sim.injectFault({ method: "GET", route: "/repos/{owner}/{repo}/collaborators/{username}/permission", status: 404, times: 1 });

    await command(digest.number, `/audit wontfix ${target.fingerprint}`);

    expect((await harness.db.query("SELECT * FROM digest_dismissals")).rows).toEqual([]);
    expect(replies(digest.number)[0]!.body).toContain("needs write, maintain or admin permission");
  });

  it("a bot's command, the app's own included, makes no job", async () => {
    harness = await createAppHarness();
    const { digest } = await arrangeDigest();
    const byApp = await command(digest.number, "/audit status", { byApp: true });
    expect(byApp.data).toBeNull();
    const { id } = harness.sim.addComment({ repo: HOME, issueNumber: digest.number, body: "/audit status", author: "renovate[bot]" });
    const event = commentEvent(digest.number, id);
    event.payload.comment.user!.type = "Bot";
    expect(auditCommandRoute.toJob(event as unknown as Context)).toBeNull();
    expect(replies(digest.number)).toEqual([]);
  });

  it("the same comment delivered twice runs once: one dismissal event, one reply", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "maintain" });
    const { digest } = await arrangeDigest();
    const target = (await fingerprints())[0]!;
    const { data } = await command(digest.number, `/audit fp ${target.fingerprint.slice(0, 8)} --tests`);
    await harness.runJob("audit-command", data!);

    const { rows } = await harness.db.query("SELECT action, reason FROM suppression_events");
    expect(rows).toEqual([{ action: "dismiss", reason: "used_in_tests" }]);
    expect(replies(digest.number)).toHaveLength(1);
  });

  it("a prefix that matches no finding is refused and changes nothing", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "admin" });
    const { digest } = await arrangeDigest();
    const taken = new Set((await fingerprints()).map((f) => f.fingerprint[0]));
    const unused = [..."0123456789abcdef"].find((c) => !taken.has(c))!;
    await command(digest.number, `/audit fp ${unused.repeat(8)}`);
    expect(replies(digest.number)[0]!.body).toContain(`no finding of this digest has a fingerprint starting with \`${unused.repeat(8)}\``);
    expect((await harness.db.query("SELECT * FROM digest_dismissals")).rows).toEqual([]);
  });

  it("a malformed argument gets a reply saying what was expected", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const { digest } = await arrangeDigest();
    const { commentId } = await command(digest.number, "/audit fp not-hex");
    expect(replies(digest.number)[0]!.body).toContain("expected a finding's fingerprint as shown in the digest (6 to 64 hex characters)");
    expect(reactionsOn(digest.number, commentId)).toEqual(["confused"]);
  });
});

describe("short fingerprints", () => {
  it("the digest shows each finding's short fingerprint, and a writer can name the finding by it", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const { digest } = await arrangeDigest();
    const all = await fingerprints();
    for (const f of all) expect(digest.body).toContain(`\`${f.fingerprint.slice(0, 8)}\``);
    const shown = all.find((f) => f.path === "lib/x.js")!.fingerprint.slice(0, 8);

    await command(digest.number, `/audit wontfix ${shown}`);

    expect(await fingerprints()).toContainEqual({ fingerprint: all.find((f) => f.path === "lib/x.js")!.fingerprint, status: "suppressed", path: "lib/x.js" });
  });
});

describe("/audit reopen", () => {
  it("undoes a dismissal: the finding is open again and the digest says so", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const { digest } = await arrangeDigest();
    const target = (await fingerprints())[0]!;
    await command(digest.number, `/audit wontfix ${target.fingerprint}`);
    expect(harness.sim.issue(HOME, digest.number)!.body).toContain("**Open: 2**");

    await command(digest.number, `/audit reopen ${target.fingerprint.slice(0, 12)}`);

    expect(harness.sim.issue(HOME, digest.number)!.body).toContain("**Open: 3**");
    expect((await harness.db.query("SELECT * FROM digest_dismissals")).rows).toEqual([]);
    const { rows } = await harness.db.query("SELECT action FROM suppression_events ORDER BY id");
    expect(rows).toEqual([{ action: "dismiss" }, { action: "reopen" }]);
  });
});

describe("a dismissal and the next ingest", () => {
  it("the next artifact keeps the dismissed finding suppressed", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const { digest } = await arrangeDigest();
    const target = (await fingerprints()).find((f) => f.path === "src/pay.ts")!;
    await command(digest.number, `/audit fp ${target.fingerprint}`);

    await arrangeDigest(producedBy(artifactFixture({ generated_at: "2026-11-21T10:00:00Z" })));

    expect(harness.sim.issue(HOME, digest.number)!.body).toContain("**Open: 2**");
    expect(await fingerprints()).toContainEqual({ fingerprint: target.fingerprint, status: "suppressed", path: "src/pay.ts" });
  });
});

describe("/audit help, status and unknown commands", () => {
  it("help lists the commands for anyone, without asking for a permission", async () => {
    harness = await createAppHarness();
    const { digest } = await arrangeDigest();
    const { commentId } = await command(digest.number, "/audit help", { author: "stranger" });
    expect(replies(digest.number)[0]!.body).toContain("`/audit fp <fingerprint> [--tests] [reason…]`");
    expect(reactionsOn(digest.number, commentId)).toEqual(["+1"]);
    expect(harness.sim.countRequests({ route: "GET /repos/{owner}/{repo}/collaborators/{username}/permission" })).toBe(0);
  });

  it("status reports what the database holds: the last ingest, open and suppressed counts", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const { digest, headSha } = await arrangeDigest();
    const target = (await fingerprints())[0]!;
    await command(digest.number, `/audit fp ${target.fingerprint}`);

    await command(digest.number, "/audit status", { author: "stranger" });

    const status = replies(digest.number)[1]!.body;
    expect(status).toContain("**Audit status** for `org-audit`");
    expect(status).toContain(`at \`${headSha.slice(0, 12)}\`: verdict \`valid\`, 3 findings reported`);
    expect(status).toContain("- Findings: 2 open, 1 suppressed, 0 resolved");
    expect(status).toContain("- Dismissed by command: 1; muted patterns: 0");
  });

  it("status carries the latest scan's time, and since which scan the findings are unchanged", async () => {
    harness = await createAppHarness();
    const { digest } = await arrangeDigest();
    await arrangeDigest(producedBy(artifactFixture({ generated_at: "2026-11-22T08:30:00Z" })));

    await command(digest.number, "/audit status", { author: "stranger" });

    const status = replies(digest.number)[0]!.body;
    expect(status).toContain("- Latest scan: generated at `2026-11-22T08:30:00.000Z`; findings unchanged since the scan generated at `2026-11-20T10:00:00Z`");
    expect(harness.sim.issues(HOME).find((issue) => issue.number === digest.number)!.body).toContain("unchanged since the scan generated at `2026-11-20T10:00:00Z`");
  });

  it("anything else starting with /audit gets the help; text not starting with /audit is no command", async () => {
    harness = await createAppHarness();
    const { digest } = await arrangeDigest();
    const none = await command(digest.number, "please run /audit status");
    expect(none.data).toBeNull();
    await command(digest.number, "/audit frobnicate @everyone");
    const [reply] = replies(digest.number);
    expect(reply!.body).toContain("unknown command");
    expect(reply!.body).toContain("`/audit help`");
  });

  it("a command on an issue the app does not manage gets no reply", async () => {
    harness = await createAppHarness();
    await arrangeDigest();
    const { number } = harness.sim.createIssue({ repo: HOME, title: "unrelated", body: "<!-- audit-digest:v1 audit_id=org-audit -->" });
    await command(number, "/audit status");
    expect(replies(number)).toEqual([]);
  });
});

describe("/audit rerun on a digest", () => {
  it("enqueues the re-run of the audit's latest ingested commit, once per comment", async () => {
    harness = await createAppHarness();
    harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
    const { digest, headSha } = await arrangeDigest();
    const { data } = await command(digest.number, "/audit rerun");
    await harness.runJob("audit-command", data!);
    const { rows } = await harness.db.query<{ data: { owner: string; repo: string; headSha: string } }>("SELECT data FROM pgboss.job WHERE name = 'rerun-ingest'");
    expect(rows.map((r) => [r.data.owner, r.data.repo, r.data.headSha])).toEqual([[OWNER, REPO, headSha]]);
  });
});
