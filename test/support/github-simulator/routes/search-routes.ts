import { installationCoversRepository } from "../authenticate-request.js";
import { GitHubError } from "../github-error.js";
import { issueJson } from "../issue-json.js";
import { paginate } from "../paginate.js";
import type { RouteDefinition } from "../route-definition.js";
import type { SimIssue, SimRepository } from "../simulator-state.js";

interface SearchQuery {
  repos: string[];
  labels: string[];
  state: "open" | "closed" | undefined;
  type: "issue" | "pr" | undefined;
  words: string[];
}

/** Splits a search query into terms, keeping quoted phrases (also as qualifier values) together. */
function tokenize(q: string): string[] {
  const tokens: string[] = [];
  for (const match of q.matchAll(/(\S+?:)?"([^"]*)"|\S+/g)) {
    tokens.push(match[2] !== undefined ? `${match[1] ?? ""}${match[2]}` : match[0]);
  }
  return tokens;
}

function parseQuery(q: string): SearchQuery {
  const query: SearchQuery = { repos: [], labels: [], state: undefined, type: undefined, words: [] };
  for (const token of tokenize(q)) {
    const [, qualifier, value = ""] = /^(\w+):(.*)$/.exec(token) ?? [];
    if (qualifier === "repo") query.repos.push(value.toLowerCase());
    else if (qualifier === "label") query.labels.push(value.toLowerCase());
    else if ((qualifier === "is" || qualifier === "state") && (value === "open" || value === "closed")) query.state = value;
    else if ((qualifier === "is" || qualifier === "type") && (value === "issue" || value === "pr")) query.type = value;
    else if (qualifier === "in") continue;
    else query.words.push(token.toLowerCase());
  }
  return query;
}

function issueMatches(issue: SimIssue, query: SearchQuery): boolean {
  if (query.state && issue.state !== query.state) return false;
  if (!query.labels.every((wanted) => issue.labels.some((label) => label.name.toLowerCase() === wanted))) return false;
  const text = `${issue.title}\n${issue.body ?? ""}`.toLowerCase();
  return query.words.every((word) => text.includes(word));
}

export const searchRoutes: RouteDefinition[] = [
  {
    method: "GET",
    route: "/search/issues",
    auth: "any",
    handler(context) {
      const query = parseQuery(typeof context.query.q === "string" ? context.query.q : "");
      const visible = (repo: SimRepository): boolean =>
        context.actor.kind === "installation" ? installationCoversRepository(context.actor.installation, repo) : !repo.private;
      const repos = [...context.state.repositories.values()].filter(
        (repo) => query.repos.length === 0 || query.repos.includes(repo.fullName.toLowerCase()),
      );
      if (query.repos.length > 0 && (repos.length !== query.repos.length || !repos.every(visible))) {
        throw new GitHubError(422, "Validation Failed", {
          errors: [
            {
              resource: "Search",
              code: "invalid",
              field: "q",
              message:
                "The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.",
            },
          ],
        });
      }
      // The index lags behind writes: an issue shows up only once it is older than the lag.
      const indexedBefore = context.state.now() - context.state.searchLagMs;
      const found: Array<{ repo: SimRepository; issue: SimIssue }> = [];
      for (const repo of repos.filter(visible)) {
        if (query.type === "pr") continue;
        for (const issue of repo.issues) {
          if (issue.createdAt <= indexedBefore && issueMatches(issue, query)) found.push({ repo, issue });
        }
      }
      found.sort((a, b) => b.issue.createdAt - a.issue.createdAt || b.issue.id - a.issue.id);
      const page = paginate(found, context.query, context.requestUrl);
      return {
        body: {
          total_count: found.length,
          incomplete_results: false,
          search_type: "lexical",
          // GitHub's description of a search result has a body that is always a string.
          items: page.items.map(({ repo, issue }) => ({ ...issueJson(repo, issue, context.state.app, context.urls), body: issue.body ?? "", score: 1 })),
        },
        headers: page.headers,
      };
    },
  },
];
