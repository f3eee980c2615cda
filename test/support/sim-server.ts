/**
 * `npm run sim`: the GitHub simulator as a standalone server for trying the app by hand.
 *
 *   PORT=4010 npm run sim
 *
 * then run the app with GHE_HOST=<host printed below> GHE_PROTOCOL=http and APP_ID matching
 * SIM_APP_ID (default 1). The demo world: installation 1 on the "acme" organisation with
 * issues/checks write and actions/contents read, and the repository acme/service.
 */
import { createGitHubSimulator } from "./github-simulator/index.js";

const port = process.env.PORT ? Number(process.env.PORT) : 0;
const appId = process.env.SIM_APP_ID ? Number(process.env.SIM_APP_ID) : 1;

const sim = createGitHubSimulator({ app: { id: appId }, searchLagMs: Number(process.env.SIM_SEARCH_LAG_MS ?? 60_000) });
sim.createInstallation({
  id: 1,
  account: "acme",
  permissions: { issues: "write", checks: "write", actions: "read", contents: "read", metadata: "read" },
  events: ["workflow_run", "check_run", "pull_request", "issue_comment"],
});
sim.createRepository({ owner: "acme", name: "service" });
sim.createRepository({ owner: "acme", name: ".github" });
sim.setCollaboratorPermission({ repo: "acme/service", username: "maintainer", permission: "maintain" });
const run = sim.createWorkflowRun({
  repo: "acme/service",
  headSha: "0123456789abcdef0123456789abcdef01234567",
  artifacts: [{ name: "consumer-artifact", json: { audit_id: "demo", findings: [] } }],
});

const server = await sim.listen({ port });
console.log(`GitHub simulator listening on ${server.url}`);
console.log(`  API base URL:  ${server.baseUrl}`);
console.log(`  for the app:   GHE_HOST=${server.host} GHE_PROTOCOL=http APP_ID=${appId}`);
console.log(`  a token:       ${sim.createInstallationToken({ installationId: 1 })} (installation 1, valid one hour)`);
console.log(`  demo world:    installation 1 (acme), repository acme/service, workflow run ${run.id} with artifact ${run.artifacts[0]?.id ?? "?"}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const writes = sim.writes().length;
  console.log(`\n${signal}: ${sim.requests.length} requests served (${writes} writes), ${sim.schemaViolations.length} refused by the API contract`);
  await server.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
