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

it("`audit-digest render` prints exactly the title and body the app filed for the artifact", async () => {
  harness = await createAppHarness();
  const config = 'digest:\n  title: "Findings for {audit_id}"\nsuppressions:\n  - pattern: logger\n    reason: accepted risk\n';
  harness.sim.setFileContent({ repo: `${OWNER}/${REPO}`, path: ".github/audit-digest.yml", content: config });
  const document = artifactFixture({
    org_unregistered_hits: [
      ...(artifactFixture().org_unregistered_hits as unknown[]),
      hit({ repo: "acme/app", path: "src/a b.ts", line_number: 2, pattern: "vault", snippet: "x = `y` @bob #4" }),
    ],
  });
  const sha = "9".repeat(40);
  const run = harness.sim.createWorkflowRun({ repo: `${OWNER}/${REPO}`, headSha: sha, artifacts: [{ name: "consumer-artifact", json: producedBy(document) }] });
  const uploaded = producedBy(document)({ repository: `${OWNER}/${REPO}`, runId: run.id, headSha: sha });
  await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha: sha, fromFork: false });
  const [filed] = harness.sim.issues(`${OWNER}/${REPO}`);

  dir = await mkdtemp(join(tmpdir(), "audit-digest-render-"));
  await writeFile(join(dir, "consumer_artifact.json"), JSON.stringify(uploaded));
  await writeFile(join(dir, "audit-digest.yml"), config);
  const printed = await runCliInMemory(["render", "consumer_artifact.json", "--config", "audit-digest.yml"], { cwd: dir });
  expect(printed.code).toBe(0);
  expect(printed.stdout).toBe(`${filed!.title}\n\n${filed!.body}`);
});
