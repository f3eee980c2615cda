import { RequestError } from "@octokit/request-error";
import type { ProbotOctokit } from "probot";
import type { CachedRead, ConditionalReadCache } from "./conditional-read-cache.js";

/**
 * The reads made conditional: the configuration files (`.github/audit-digest.yml` of a
 * repository and of the organisation's `.github` repository) and the digest and per-repository
 * issues read before an update. Most of them have not changed since the last read.
 */
export const CONDITIONAL_ROUTES: ReadonlySet<string> = new Set([
  "GET /repos/{owner}/{repo}/contents/{path}",
  "GET /repos/{owner}/{repo}/issues/{issue_number}",
]);

type OctokitPlugin = Parameters<typeof ProbotOctokit.plugin>[0];
type Headers = Record<string, string | number | undefined>;
type OctokitResponse = { status: number; url: string; headers: Headers; data: unknown };

/** Headers of the kept answer that a 304 must not replace: it has no body. */
const BODY_HEADERS = new Set(["content-type", "content-length"]);

/**
 * An Octokit plugin that sends the reads of `CONDITIONAL_ROUTES` with `If-None-Match` and the
 * entity tag of the installation's last answer for the same URL and media type. GitHub answers
 * `304 Not Modified` when nothing changed, which does not count against the installation's
 * primary rate limit; the kept body is then the answer, with the 304's fresh headers (rate limit,
 * date, request id) over the kept ones. Any other answer replaces what was kept; a 404 or an
 * error forgets it. Octokits not made for an installation (the app's own) are left alone.
 */
export function conditionalReads({ cache, routes = CONDITIONAL_ROUTES }: { cache: ConditionalReadCache; routes?: ReadonlySet<string> }): OctokitPlugin {
  return (octokit, options) => {
    const installationId = readInstallationId(options.auth);
    if (installationId === undefined) return;
    octokit.hook.wrap("request", async (request, endpoint) => {
      if (!routes.has(`${endpoint.method} ${endpoint.url}`)) return request(endpoint);
      const parsed = octokit.request.endpoint.parse(endpoint);
      const key = `${parsed.headers.accept ?? ""} ${parsed.url}`;
      const kept = cache.get(installationId, key);
      // The hooks inside this one see the options they were bound to, so the header goes on those.
      if (kept) endpoint.headers = { ...endpoint.headers, "if-none-match": kept.etag };
      let response: Awaited<ReturnType<typeof request>>;
      try {
        response = await request(endpoint);
      } catch (error) {
        if (kept && error instanceof RequestError && error.status === 304) return answerFromKept(kept, error.response?.headers ?? {});
        cache.delete(installationId, key);
        throw error;
      }
      const etag = response.headers.etag;
      if (typeof etag === "string" && etag !== "" && response.status === 200) {
        cache.set(installationId, key, { etag, status: response.status, url: response.url, headers: response.headers, data: response.data });
      } else {
        cache.delete(installationId, key);
      }
      return response;
    });
  };
}

function answerFromKept(kept: CachedRead, fresh: Headers): OctokitResponse {
  const headers: Headers = { ...kept.headers };
  for (const [name, value] of Object.entries(fresh)) if (!BODY_HEADERS.has(name)) headers[name] = value;
  // A copy, so a caller that changes what it was given cannot change what the next read gets.
  return { status: kept.status, url: kept.url, headers, data: structuredClone(kept.data) };
}

function readInstallationId(auth: unknown): number | undefined {
  if (typeof auth !== "object" || auth === null || !("installationId" in auth)) return undefined;
  return typeof auth.installationId === "number" ? auth.installationId : undefined;
}
