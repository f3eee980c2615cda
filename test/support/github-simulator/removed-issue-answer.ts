import type { ApiUrls } from "./api-urls.js";
import { GitHubError, notFound } from "./github-error.js";
import type { SubsetOperation } from "./load-openapi-subset.js";
import type { SimRepository, SimulatorState } from "./simulator-state.js";

/**
 * Throws GitHub's answer to a request about an issue that left its repository, for operations
 * with an `{issue_number}`:
 * - deleted: 410 "This issue was deleted";
 * - transferred to a repository the caller can see: 301 to the same path there, by repository id
 *   (`/repositories/{id}/issues/{new number}/…`), which clients follow;
 * - transferred where the caller cannot see: 404.
 * Where GitHub's description lists no 410 (or 301) for the operation, the answer is 404.
 */
export function answerRemovedIssue({
  state,
  repo,
  operation,
  params,
  pathname,
  urls,
  canSee,
}: {
  state: SimulatorState;
  repo: SimRepository;
  operation: SubsetOperation;
  params: Record<string, unknown>;
  pathname: string;
  urls: ApiUrls;
  canSee: (repo: SimRepository) => boolean;
}): void {
  if (params.issue_number === undefined) return;
  const removed = repo.removedIssues.get(Number(params.issue_number));
  if (!removed) return;
  if (removed.kind === "deleted") {
    if (operation.responses["410"]) throw new GitHubError(410, "This issue was deleted");
    throw notFound();
  }
  const target = [...state.repositories.values()].find((candidate) => candidate.id === removed.repositoryId);
  if (!target || !canSee(target) || !operation.responses["301"]) throw notFound();
  const rest = pathname.replace(/^\/repos\/[^/]+\/[^/]+\/issues\/[^/]+/, "");
  const location = `${urls.api}/repositories/${target.id}/issues/${removed.number}${rest}`;
  throw new GitHubError(301, "Moved Permanently", { headers: { location } });
}
