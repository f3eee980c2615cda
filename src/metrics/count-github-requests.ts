import type { ProbotOctokit } from "probot";
import type { Counter } from "prom-client";
import { statusClassOf } from "./status-class.js";

type OctokitPlugin = Parameters<typeof ProbotOctokit.plugin>[0];
type Options = Record<string, unknown> & { request?: Record<string, unknown> };
type Send = (options: Options) => Promise<unknown>;
/** What `octokit.paginate` takes as its route: a string (`"GET /repos/{owner}/{repo}/issues"`) or an endpoint method. */
type PaginateRoute = string | (Send & { endpoint: ((parameters?: unknown) => Options) & { DEFAULTS?: { url?: string } } });
type Paginate = ((route: PaginateRoute, ...rest: unknown[]) => Promise<unknown>) & { iterator: (route: PaginateRoute, ...rest: unknown[]) => unknown };

/** Methods named in the `method` label; any other is `other`. */
const METHODS = new Set(["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"]);
/** The `route` label of a request to an absolute URL that is no page of a list (a followed link). */
export const OTHER_ROUTE = "other";
/** Request option that carries a list's route template to the requests for its pages. */
const PAGES_OF = "routeTemplate";

/**
 * An Octokit plugin that counts every HTTP request sent to GitHub, by method, route template
 * and status class. It hands the request a `fetch` that counts each call, so every attempt is
 * counted where it leaves the process: each retry of the retry and throttling plugins, and a
 * conditional read answered `304` as a 3xx, not as the kept 200 it becomes; a redirect that
 * fetch follows (an artifact's download) counts with the final answer. The `route` label is the
 * template (`/repos/{owner}/{repo}/issues`), never the expanded URL, so its values are the app's
 * own routes: `octokit.paginate` asks for every page by its absolute URL, so it is wrapped to
 * tell those requests the list's template; any other absolute URL counts as `other`.
 */
export function countGitHubRequests(counter: Counter<"method" | "route" | "status_class">): OctokitPlugin {
  return (octokit) => {
    octokit.hook.wrap("request", async (request, options) => {
      const template: unknown = options.request?.[PAGES_OF] ?? options.url;
      const labels = { method: methodLabel(options.method), route: routeLabel(template) };
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
    const paginate = (octokit as unknown as { paginate?: Paginate }).paginate;
    if (paginate === undefined) return;
    const request = octokit.request as unknown as Send & { endpoint: ((route: string, parameters?: unknown) => Options) & { merge: (route: string) => { url?: string } } };
    const withTemplate = (route: PaginateRoute): PaginateRoute => {
      const template = typeof route === "function" ? route.endpoint.DEFAULTS?.url : request.endpoint.merge(route).url;
      const send: Send = typeof route === "function" ? route : request;
      const endpoint = typeof route === "function" ? route.endpoint : (parameters?: unknown) => request.endpoint(route, parameters);
      return Object.assign((options: Options) => send({ ...options, request: { ...options.request, [PAGES_OF]: template } }), { endpoint });
    };
    return {
      paginate: Object.assign((route: PaginateRoute, ...rest: unknown[]) => paginate(withTemplate(route), ...rest), {
        iterator: (route: PaginateRoute, ...rest: unknown[]) => paginate.iterator(withTemplate(route), ...rest),
      }),
    };
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
