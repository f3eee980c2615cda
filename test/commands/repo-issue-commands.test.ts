import { afterEach, describe, expect, it } from "vitest";
import { createAppHarness, OWNER, type AppHarness } from "../support/app-harness.js";
import { commandReplies, HOME, ingestArtifact, reactionsOn, runCommand, storedFindings } from "../support/command-world.js";

const WEB = `${OWNER}/web`;

let harness: AppHarness;
afterEach(async () => {
  harness.sim.assertNoViolations();
  await harness.close();
});

/** Per-repository mode: the fixture's findings give a digest in acme/app and an issue in acme/web. */
async function perRepoWorld() {
  harness = await createAppHarness();
  harness.sim.setFileContent({ repo: HOME, path: ".github/audit-digest.yml", content: 'digest:\n  producers: ["acme/*"]\nissues:\n  mode: per-repo\n' });
  harness.sim.createRepository({ owner: OWNER, name: "web" });
  harness.sim.setCollaboratorPermission({ repo: WEB, username: "maria", permission: "write" });
  const { digest } = await ingestArtifact(harness);
  const webIssue = harness.sim.issues(WEB).find((issue) => issue.body!.startsWith("<!-- audit-digest-repo:v1 "));
  if (!webIssue) throw new Error("no per-repository issue filed in acme/web");
  return { digestNumber: digest.number, webNumber: webIssue.number };
}

describe("commands on a per-repository issue", () => {
  it("the issue shows the digest's short fingerprint of each of its findings, and a writer there can dismiss one by it", async () => {
    const { digestNumber, webNumber } = await perRepoWorld();
    const web = (await storedFindings(harness)).find((f) => f.repo === WEB)!;
    const short = web.fingerprint.slice(0, 8);
    expect(harness.sim.issue(WEB, webNumber)!.body).toContain(`\`${short}\``);
    expect(harness.sim.issue(HOME, digestNumber)!.body).toContain(`\`${short}\``);

    const { commentId } = await runCommand(harness, { repository: WEB, issueNumber: webNumber, body: `/audit wontfix ${short} vendored` });

    expect(await storedFindings(harness)).toContainEqual({ fingerprint: web.fingerprint, status: "suppressed", path: "lib/x.js", repo: WEB });
    const webBody = harness.sim.issue(WEB, webNumber)!.body!;
    expect(webBody.slice(webBody.indexOf("### Suppressed"))).toContain("lib/x.js");
    const digestBody = harness.sim.issue(HOME, digestNumber)!.body!;
    expect(digestBody.slice(digestBody.indexOf("### Suppressed"))).toContain("lib/x.js");
    expect(reactionsOn(harness, webNumber, commentId, WEB)).toEqual(["+1"]);
  });

  it("a fingerprint of another repository's finding is refused there and changes nothing", async () => {
    const { webNumber } = await perRepoWorld();
    const app = (await storedFindings(harness)).find((f) => f.repo === HOME)!;

    await runCommand(harness, { repository: WEB, issueNumber: webNumber, body: `/audit fp ${app.fingerprint.slice(0, 8)}` });

    expect(commandReplies(harness, webNumber, WEB)[0]!.body).toContain(`no finding of this digest in \`${WEB}\` has a fingerprint starting with \`${app.fingerprint.slice(0, 8)}\``);
    expect((await storedFindings(harness)).every((f) => f.status === "open")).toBe(true);
    expect((await harness.db.query("SELECT * FROM digest_dismissals")).rows).toEqual([]);
  });
});
