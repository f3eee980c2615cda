import { onTestFinished } from "vitest";
import { createGitHubSimulator, type GitHubSimulator } from "./github-simulator/index.js";
import { TEST_APP_ID } from "./test-config.js";

/**
 * GitHub simulated over HTTP for a test of the running app: the app installed (installation 1)
 * on the organisation acme with the permissions it asks for, and the repository acme/app.
 * `host` is what `GHE_HOST` takes. Closed when the test finishes.
 */
export async function startAcmeGitHub(): Promise<{ sim: GitHubSimulator; host: string }> {
  const sim = createGitHubSimulator({ app: { id: TEST_APP_ID } });
  const github = await sim.listen();
  onTestFinished(() => sim.close());
  sim.createInstallation({
    id: 1,
    account: "acme",
    permissions: { actions: "read", checks: "write", issues: "write", contents: "read", metadata: "read", pull_requests: "read" },
  });
  sim.createRepository({ owner: "acme", name: "app" });
  return { sim, host: github.host };
}
