import type { ProbotOctokit } from "probot";
import type { Counter } from "prom-client";
import { statusClassOf } from "./status-class.js";

type OctokitPlugin = Parameters<typeof ProbotOctokit.plugin>[0];

/** Methods named in the `method` label; any other is `other`. */
const METHODS = new Set(["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"]);
/** The `route` label of a request to an absolute URL (a later page of a list, a followed link). */
export const OTHER_ROUTE = "other";

/**
 * An Octokit plugin that counts every HTTP request sent to GitHub, by method, route template
 * and status class. It hands the request a `fetch` that counts each call, so every attempt is
 * counted where it leaves the process: each retry of the retry and throttling plugins, and a
 * conditional read answered `304` as a 3xx, not as the kept 200 it becomes. The `route` label is
 * the template (`/repos/{owner}/{repo}/issues`), never the expanded URL, so its values are the
 * app's own routes; a request to an absolute URL counts as `other`.
 */
export function countGitHubRequests(counter: Counter<"method" | "route" | "status_class">): OctokitPlugin {
  return (octokit) => {
    octokit.hook.wrap("request", async (request, options) => {
      const labels = { method: methodLabel(options.method), route: routeLabel(options.url) };
      const given = options.request?.fetch as typeof fetch | undefined;
      const send = given ?? globalThis.fetch;
      const counted: typeof fetch = async (input, init) => {
        let response: Response;
        try {
          response = await send(input, init);
        } catch (error) {
          counter.inc({ ...labels, status_class: "network" });
          throw error;
        }
        counter.inc({ ...labels, status_class: statusClassOf(response.status) });
        return response;
      };
      // The hooks inside this one see the options they were bound to, so the fetch goes on those.
      options.request = { ...options.request, fetch: counted };
      return request(options);
    });
  };
}

function methodLabel(method: unknown): string {
  const upper = typeof method === "string" ? method.toUpperCase() : "";
  return METHODS.has(upper) ? upper : "other";
}

function routeLabel(url: unknown): string {
  if (typeof url !== "string" || !url.startsWith("/")) return OTHER_ROUTE;
  return url.split("?")[0]!;
}
