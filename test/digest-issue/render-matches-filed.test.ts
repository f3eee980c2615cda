import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { runCliInMemory } from "../cli/run-cli-in-memory.js";
import { createAppHarness, OWNER, REPO, type AppHarness } from "../support/app-harness.js";
import { artifactFixture, hit, producedBy } from "../support/artifact-fixtures.js";

let harness: AppHarness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** GitHub's longest issue body. */
const GITHUB_BODY_LIMIT = 65_536;

/** Files the digest of `document` through the app and returns it with what `audit-digest render` prints for the same artifact. */
async function filedAndRendered(document: Record<string, unknown>, sha: string) {
  harness = await createAppHarness();
  const config = 'digest:\n  title: "Findings for {audit_id}"\nsuppressions:\n  - pattern: logger\n    reason: accepted risk\n';
  harness.sim.setFileContent({ repo: `${OWNER}/${REPO}`, path: ".github/audit-digest.yml", content: config });
  const run = harness.sim.createWorkflowRun({ repo: `${OWNER}/${REPO}`, headSha: sha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  const uploaded = producedBy(document)({ repository: `${OWNER}/${REPO}`, runId: run.id, headSha: sha });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha: sha, fromFork: false });
  const [filed] = harness.sim.issues(`${OWNER}/${REPO}`);

  dir = await mkdtemp(join(tmpdir(), "audit-digest-render-"));
  await writeFile(join(dir, "consumer_artifact.json"), JSON.stringify(uploaded));
  await writeFile(join(dir, "audit-digest.yml"), config);
  const printed = await runCliInMemory(["render", "consumer_artifact.json", "--config", "audit-digest.yml"], { cwd: dir });
  expect(printed.code).toBe(0);
  return { filed: filed!, printed };
}

it("`audit-digest render` prints exactly the title and body the app filed for the artifact", async () => {
  const document = artifactFixture({
    org_unregistered_hits: [
      ...(artifactFixture().org_unregistered_hits as unknown[]),
      hit({ repo: "acme/app", path: "src/a b.ts", line_number: 2, pattern: "vault", snippet: "x = `y` @bob #4" }),
    ],
  });
  const { filed, printed } = await filedAndRendered(document, "9".repeat(40));
  expect(printed.stdout).toBe(`${filed.title}\n\n${filed.body}`);
});

it("for an artifact whose digest is cut to fit GitHub's body limit, `render` prints the same cut body", async () => {
  const hits = Array.from({ length: 3_000 }, (_, i) =>
    hit({ repo: `acme/r${i % 7}`, path: `src/module-${i % 41}/deeply/nested/file-${i}.ts`, line_number: (i % 300) + 1, pattern: `pattern-${i % 11}`, snippet: `const value${i} = lookup("${"k".repeat(40)}") // @team #${i}` }),
  );
  const { filed, printed } = await filedAndRendered(artifactFixture({ org_unregistered_hits: hits }), "8".repeat(40));
  // The digest was cut: it is near the limit, not over it, and says what it left out.
  expect(filed.body!.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
  expect(filed.body!.length).toBeGreaterThan(30_000);
  expect(filed.body).toMatch(/not (?:shown|listed)/);
  expect(printed.stdout).toBe(`${filed.title}\n\n${filed.body}`);
});
