import { notFound } from "../github-error.js";
import { findIssue } from "../issue-records.js";
import { pullRequestJson } from "../pull-request-json.js";
import { numberParam, requireRepo, type RouteDefinition } from "../route-definition.js";

export const pullRequestRoutes: RouteDefinition[] = [
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/pulls/{pull_number}",
    auth: "installation",
    permission: [["pull_requests", "read"]],
    handler(context) {
      const repo = requireRepo(context);
      const issue = findIssue(repo, numberParam(context, "pull_number"));
      // An issue's number is no pull request's.
      if (!issue.pullRequest) throw notFound();
      return { body: pullRequestJson(context.state, repo, { ...issue, pullRequest: issue.pullRequest }, context.urls) };
    },
  },
];
