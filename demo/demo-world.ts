import type { GitHubSimulator } from "../test/support/github-simulator/index.js";

/** The organisation, repository and people of the demo, as GitHub would hold them. */
export const DEMO = {
  appId: 1001,
  installationId: 1,
  owner: "acme",
  repo: "acme/service",
  maintainer: "maria",
} as const;

/**
 * The demo's GitHub: the app installed on the "acme" organisation with the permissions of
 * `app.yml`, the repository acme/service, and a maintainer who may run `/audit` commands.
 */
export function arrangeDemoWorld(sim: GitHubSimulator): void {
  sim.createInstallation({
    id: DEMO.installationId,
    account: DEMO.owner,
    permissions: { actions: "read", checks: "write", issues: "write", contents: "read", metadata: "read", pull_requests: "read" },
    events: ["workflow_run", "check_run", "check_suite", "pull_request", "issue_comment", "installation", "installation_repositories", "repository"],
  });
  sim.createRepository({ owner: DEMO.owner, name: DEMO.repo.split("/")[1]! });
  sim.setCollaboratorPermission({ repo: DEMO.repo, username: DEMO.maintainer, permission: "maintain" });
}
