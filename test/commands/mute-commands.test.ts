import { afterEach, describe, expect, it, vi } from "vitest";
import { createAppHarness, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, producedBy } from "../support/artifact-fixtures.js";
import { commandReplies, HOME, ingestArtifact, reactionsOn, runCommand, storedFindings } from "../support/command-world.js";

let harness: AppHarness;
afterEach(async () => {
  vi.useRealTimers();
  harness.sim.assertNoViolations();
  await harness.close();
});

const DAY_MS = 24 * 60 * 60 * 1000;
const day = (offsetDays: number): string => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);

async function writerWithDigest() {
  harness = await createAppHarness();
  harness.sim.setCollaboratorPermission({ repo: HOME, username: "maria", permission: "write" });
  const { digest } = await ingestArtifact(harness);
  expect(digest.body).toContain("**Open: 3**");
  harness.sim.resetLog();
  return digest.number;
}

const digestBody = (issueNumber: number): string => harness.sim.issue(HOME, issueNumber)!.body!;
const suppressedSection = (issueNumber: number): string => {
  const body = digestBody(issueNumber);
  const start = body.indexOf("### Suppressed");
  return start === -1 ? "" : body.slice(start, body.indexOf("</details>", start));
};
const digestPatches = (issueNumber: number) => harness.sim.writes().filter((r) => r.method === "PATCH" && r.path === `/repos/${HOME}/issues/${issueNumber}`);
const statusByPath = async () => Object.fromEntries((await storedFindings(harness)).map((f) => [f.path, f.status]));

describe("/audit mute", () => {
  it("a writer's mute suppresses the pattern in every repository: the digest is patched once and lists the findings under Suppressed with who and when", async () => {
    const issueNumber = await writerWithDigest();

    const { commentId } = await runCommand(harness, { issueNumber, body: "/audit mute payments-api" });

    expect(digestPatches(issueNumber)).toHaveLength(1);
    expect(digestBody(issueNumber)).toContain("**Open: 1**");
    expect(digestBody(issueNumber)).toContain("**Suppressed: 2**");
    const suppressed = suppressedSection(issueNumber);
    expect(suppressed).toContain("src/pay.ts");
    expect(suppressed).toContain("lib/x.js");
    expect(suppressed).not.toContain("src/log.ts");
    expect(suppressed.replace(/[\\\u200b]/g, "")).toContain(`muted by @maria on ${day(0)}`);
    expect(await statusByPath()).toEqual({ "lib/x.js": "suppressed", "src/log.ts": "open", "src/pay.ts": "suppressed" });
    expect((await harness.db.query("SELECT pattern, repo_key, until, actor FROM digest_mutes")).rows).toEqual([{ pattern: "payments-api", repo_key: "", until: null, actor: "maria" }]);
    expect(commandReplies(harness, issueNumber)[0]!.body).toContain("Muted `payments-api` for audit `org-audit`.");
    expect(reactionsOn(harness, issueNumber, commentId)).toEqual(["+1"]);
  });

  it("a mute naming a repository and a day suppresses the pattern there only, and says until when", async () => {
    const issueNumber = await writerWithDigest();
    const until = day(30);

    await runCommand(harness, { issueNumber, body: `/audit mute payments-api acme/web --until ${until}` });

    expect(await statusByPath()).toEqual({ "lib/x.js": "suppressed", "src/log.ts": "open", "src/pay.ts": "open" });
    expect(suppressedSection(issueNumber).replace(/[\\\u200b]/g, "")).toContain(`until ${until}`);
    expect(commandReplies(harness, issueNumber)[0]!.body).toContain(`Muted \`payments-api\` in \`acme/web\` until ${until} for audit \`org-audit\`.`);
  });

  it("--until a day already past is refused and changes nothing", async () => {
    const issueNumber = await writerWithDigest();
    const before = digestBody(issueNumber);

    const { commentId } = await runCommand(harness, { issueNumber, body: `/audit mute payments-api --until ${day(-1)}` });

    expect(digestBody(issueNumber)).toBe(before);
    expect(digestPatches(issueNumber)).toHaveLength(0);
    expect((await harness.db.query("SELECT * FROM digest_mutes")).rows).toEqual([]);
    expect((await harness.db.query("SELECT * FROM suppression_events")).rows).toEqual([]);
    const reply = commandReplies(harness, issueNumber)[0]!.body;
    expect(reply).toContain(`\`--until ${day(-1)}\` is in the past; expected \`--until YYYY-MM-DD\` of today (${day(0)}, UTC) or later`);
    expect(reactionsOn(harness, issueNumber, commentId)).toEqual(["confused"]);
  });

  it("a malformed date gets a reply naming the expected form, and changes nothing", async () => {
    const issueNumber = await writerWithDigest();

    for (const until of ["next-week", "2026-13-01", "2026-02-30", ""]) {
      const { commentId } = await runCommand(harness, { issueNumber, body: `/audit mute payments-api --until ${until}` });
      const reply = commandReplies(harness, issueNumber).at(-1)!.body;
      expect(reply).toContain("expected --until YYYY-MM-DD");
      expect(reactionsOn(harness, issueNumber, commentId)).toEqual(["confused"]);
    }
    expect((await harness.db.query("SELECT * FROM digest_mutes")).rows).toEqual([]);
    expect(digestPatches(issueNumber)).toHaveLength(0);
  });

  it("a mute ends after its last day: the next ingest counts the pattern's findings as open again", async () => {
    const issueNumber = await writerWithDigest();
    await runCommand(harness, { issueNumber, body: `/audit mute payments-api --until ${day(1)}` });
    expect(digestBody(issueNumber)).toContain("**Open: 1**");

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3 * DAY_MS });
    await ingestArtifact(harness, { json: producedBy(artifactFixture({ generated_at: "2026-11-21T10:00:00Z" })) });

    expect(digestBody(issueNumber)).toContain("**Open: 3**");
    expect(await statusByPath()).toEqual({ "lib/x.js": "open", "src/log.ts": "open", "src/pay.ts": "open" });
  });
});

describe("/audit unmute", () => {
  it("lifts the mute: the findings count as open again, the digest is patched once, and both changes are recorded", async () => {
    const issueNumber = await writerWithDigest();
    await runCommand(harness, { issueNumber, body: "/audit mute `payments-api`" });
    harness.sim.resetLog();

    const { commentId } = await runCommand(harness, { issueNumber, body: "/audit unmute payments-api" });

    expect(digestPatches(issueNumber)).toHaveLength(1);
    expect(digestBody(issueNumber)).toContain("**Open: 3**");
    expect(suppressedSection(issueNumber)).toBe("");
    expect(await statusByPath()).toEqual({ "lib/x.js": "open", "src/log.ts": "open", "src/pay.ts": "open" });
    expect((await harness.db.query("SELECT * FROM digest_mutes")).rows).toEqual([]);
    expect((await harness.db.query("SELECT action, pattern, actor FROM suppression_events ORDER BY id")).rows).toEqual([
      { action: "mute", pattern: "payments-api", actor: "maria" },
      { action: "unmute", pattern: "payments-api", actor: "maria" },
    ]);
    expect(commandReplies(harness, issueNumber).at(-1)!.body).toContain("Unmuted `payments-api`.");
    expect(reactionsOn(harness, issueNumber, commentId)).toEqual(["+1"]);
  });

  it("unmuting what is not muted (or muted in another scope) is refused and changes nothing", async () => {
    const issueNumber = await writerWithDigest();
    await runCommand(harness, { issueNumber, body: "/audit mute payments-api acme/web" });
    harness.sim.resetLog();

    const { commentId } = await runCommand(harness, { issueNumber, body: "/audit unmute payments-api" });

    expect(commandReplies(harness, issueNumber).at(-1)!.body).toContain("`payments-api` was not muted; nothing was changed.");
    expect(reactionsOn(harness, issueNumber, commentId)).toEqual(["confused"]);
    expect(await statusByPath()).toEqual({ "lib/x.js": "suppressed", "src/log.ts": "open", "src/pay.ts": "open" });
    expect((await harness.db.query("SELECT pattern, repo_key FROM digest_mutes")).rows).toEqual([{ pattern: "payments-api", repo_key: "acme/web" }]);
  });
});
