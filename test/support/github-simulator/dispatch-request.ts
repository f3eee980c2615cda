import { apiUrls } from "./api-urls.js";
import { authenticateRequest, installationCoversRepository, requirePermission, type Actor } from "./authenticate-request.js";
import type { FaultInjector } from "./fault-injector.js";
import { entityTag, ifNoneMatchHits } from "./entity-tag.js";
import { GitHubError, notFound } from "./github-error.js";
import { answerRemovedIssue } from "./removed-issue-answer.js";
import { resolveRepositoryAlias } from "./resolve-repository-alias.js";
import { installationLimiterKey, type RateLimiter, type RateLimitStatus, type RateResource } from "./rate-limiter.js";
import type { LoggedRequest } from "./request-log.js";
import type { SubsetOperation } from "./load-openapi-subset.js";
import type { RequestValidator } from "./request-validator.js";
import type { ResponseValidator } from "./response-validator.js";
import type { BlobStore, RouteContext, RouteDefinition, RouteResult } from "./route-definition.js";
import type { RouteMatch } from "./route-matcher.js";
import type { SchemaViolation } from "./schema-violation.js";
import type { SimHookDelivery, SimRepository, SimulatorState } from "./simulator-state.js";

export interface SimRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array | undefined;
  signal?: AbortSignal | undefined;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string | undefined;
}

export interface DispatcherDependencies {
  state: SimulatorState;
  limiter: RateLimiter;
  faults: FaultInjector;
  validate: RequestValidator;
  /** Checks every JSON answer against GitHub's response schemas: a breach is a simulator bug. */
  validateResponse: ResponseValidator;
  matchRoute: (method: string, pathname: string) => RouteMatch | undefined;
  routes: Map<string, RouteDefinition>;
  blobs: BlobStore;
  log: LoggedRequest[];
  violations: SchemaViolation[];
  redeliver: (delivery: SimHookDelivery) => Promise<SimHookDelivery>;
}

/** Probot talks to GitHub Enterprise Server at `<host>/api/v3`; the simulator answers there and at the root. */
const API_PREFIX = "/api/v3";
const BLOB_PREFIX = "/_blobs/";

const SECONDARY_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
  "If you reach out to GitHub Support for help, please include the request ID";

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

function rateHeaders(status: RateLimitStatus): Record<string, string> {
  return {
    "x-ratelimit-limit": String(status.limit),
    "x-ratelimit-remaining": String(status.remaining),
    "x-ratelimit-used": String(status.used),
    "x-ratelimit-reset": String(status.reset),
    "x-ratelimit-resource": status.resource,
  };
}

function limiterKey(actor: Actor): string {
  if (actor.kind === "installation") return installationLimiterKey(actor.installation.id);
  return actor.kind;
}

function checkAuthKind(definition: RouteDefinition, actor: Actor): void {
  if (definition.auth === "any") return;
  if (actor.kind === "anonymous") throw new GitHubError(401, "Requires authentication");
  if (definition.auth === "app" && actor.kind !== "app") {
    throw new GitHubError(401, "A JSON web token could not be decoded");
  }
  if (definition.auth === "installation" && actor.kind !== "installation") throw new GitHubError(401, "Bad credentials");
}

function canSee(actor: Actor, repo: SimRepository): boolean {
  if (actor.kind === "app") return true;
  if (actor.kind === "anonymous") return !repo.private;
  const narrowed = actor.token.repositories;
  return installationCoversRepository(actor.installation, repo) && (!narrowed || narrowed.has(repo.fullName.toLowerCase()));
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string>): SimResponse {
  if (status === 204 || status === 304 || body === undefined) return { status, headers, body: undefined };
  return {
    status,
    headers: { ...headers, "content-type": "application/json; charset=utf-8", "x-github-media-type": "github.v3; format=json" },
    body: JSON.stringify(body),
  };
}

/** The one request pipeline behind both the in-process fetch and the HTTP server. */
export function createRequestDispatcher(deps: DispatcherDependencies): (request: SimRequest) => Promise<SimResponse> {
  const { state } = deps;
  let requestCounter = 0;

  const serveBlob = (pathname: string): SimResponse => {
    const blob = deps.blobs.get(pathname.slice(BLOB_PREFIX.length));
    if (!blob || blob.expiresAt < state.now()) {
      return { status: 403, headers: { "content-type": "text/plain" }, body: "Server failed to authenticate the request." };
    }
    return { status: 200, headers: { "content-type": "application/zip", "content-length": String(blob.data.byteLength) }, body: blob.data };
  };

  return async (request) => {
    const started = performance.now();
    requestCounter += 1;
    const requestId = `5IM0:${requestCounter.toString(16).toUpperCase().padStart(6, "0")}`;
    const method = request.method.toUpperCase();
    const prefixed = request.url.pathname === API_PREFIX || request.url.pathname.startsWith(`${API_PREFIX}/`);
    const pathname = resolveRepositoryAlias(state, prefixed ? request.url.pathname.slice(API_PREFIX.length) || "/" : request.url.pathname);
    const bodyText = request.body && request.body.byteLength > 0 ? new TextDecoder().decode(request.body) : undefined;
    let parsedBody: unknown;
    let unparsable = false;
    if (bodyText !== undefined) {
      try {
        parsedBody = JSON.parse(bodyText);
      } catch {
        parsedBody = bodyText;
        unparsable = true;
      }
    }
    const entry: LoggedRequest = {
      method,
      route: `${method} ${pathname}`,
      path: pathname,
      query: Object.fromEntries(request.url.searchParams),
      status: 0,
      durationMs: 0,
      conditional: request.headers.has("if-none-match"),
      countedAgainstRateLimit: false,
      at: state.now(),
      ...(bodyText !== undefined ? { requestBody: parsedBody } : {}),
    };
    const headers: Record<string, string> = {
      "x-github-request-id": requestId,
      "x-github-api-version-selected": "2022-11-28",
      // GitHub's clock: Octokit's app auth reads it to correct a JWT refused for clock skew.
      date: new Date(state.now()).toUTCString(),
    };
    let release: (() => void) | undefined;
    let operation: SubsetOperation | undefined;
    let response: SimResponse;
    try {
      if (method === "GET" && pathname.startsWith(BLOB_PREFIX)) {
        entry.route = `GET ${BLOB_PREFIX}{token}`;
        response = serveBlob(pathname);
      } else {
        response = await dispatchApi();
      }
    } catch (error) {
      if (error instanceof GitHubError) {
        response = jsonResponse(error.status, error.toBody(), { ...headers, ...error.headers });
      } else if (request.signal?.aborted) {
        entry.status = 499;
        entry.durationMs = performance.now() - started;
        deps.log.push(entry);
        throw error;
      } else {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        deps.violations.push({ method, path: pathname, route: entry.route, where: "simulator", message });
        response = jsonResponse(500, { message: "Server Error", documentation_url: "https://docs.github.com/rest" }, headers);
      }
    } finally {
      release?.();
    }
    const problem = operation ? deps.validateResponse(operation, response) : undefined;
    if (problem) {
      deps.violations.push({ method, path: pathname, route: entry.route, where: "response", message: problem.message, errors: problem.errors });
      response = jsonResponse(500, { message: `GitHub simulator bug: ${problem.message}`, documentation_url: "https://docs.github.com/rest" }, headers);
    }
    entry.status = response.status;
    entry.durationMs = performance.now() - started;
    deps.log.push(entry);
    return response;

    async function dispatchApi(): Promise<SimResponse> {
      const match = deps.matchRoute(method, pathname);
      const definition = match ? deps.routes.get(`${method} ${match.operation.route}`) : undefined;
      if (!match || !definition) {
        deps.violations.push({ method, path: pathname, route: undefined, where: "route", message: `No operation ${method} ${pathname} in the OpenAPI subset` });
        throw notFound();
      }
      entry.route = `${method} ${match.operation.route}`;
      operation = match.operation;
      const actor = authenticateRequest(state, request.headers.get("authorization"));
      if (actor.kind === "installation") entry.installationId = actor.installation.id;
      checkAuthKind(definition, actor);

      const key = limiterKey(actor);
      const resource: RateResource = match.operation.route === "/search/issues" ? "search" : "core";
      if (match.operation.route !== "/rate_limit") {
        const { ok, status } = deps.limiter.consume(key, resource);
        Object.assign(headers, rateHeaders(status));
        entry.countedAgainstRateLimit = ok;
        if (!ok) {
          const who = actor.kind === "installation" ? `installation ID ${actor.installation.id}` : actor.kind === "app" ? `app ID ${state.app.id}` : "127.0.0.1";
          throw new GitHubError(403, `API rate limit exceeded for ${who}.`);
        }
      }
      release = deps.limiter.acquire(key);
      if (!release) throw new GitHubError(403, `${SECONDARY_LIMIT_MESSAGE} ${requestId}.`, { headers: { "retry-after": "1" } });
      if (definition.contentCreating) {
        const wait = deps.limiter.admitContentCreating(key);
        if (wait !== undefined) throw new GitHubError(403, `${SECONDARY_LIMIT_MESSAGE} ${requestId}.`, { headers: { "retry-after": String(wait) } });
      }

      const fault = deps.faults.fire(method, match.operation.route);
      if (fault && fault.latencyMs > 0) await sleep(fault.latencyMs, request.signal);
      const faultError =
        fault?.status === undefined
          ? undefined
          : new GitHubError(fault.status, fault.message, { headers: fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {} });
      if (faultError && !fault?.afterWrite) throw faultError;
      if (unparsable) throw new GitHubError(400, "Problems parsing JSON");

      let repo: SimRepository | undefined;
      const { owner, repo: repoName } = match.params;
      if (owner !== undefined && repoName !== undefined) {
        repo = state.findRepository(`${owner}/${repoName}`);
        if (!repo || !canSee(actor, repo)) throw notFound();
      }
      if (definition.permission) requirePermission(actor, definition.permission);

      const validated = deps.validate(match.operation, {
        params: match.params,
        query: request.url.searchParams,
        body: parsedBody,
        hasBody: bodyText !== undefined,
      });
      if (!validated.ok) {
        deps.violations.push({ method, path: pathname, route: entry.route, ...validated.problem });
        // GitHub answers a malformed path segment (e.g. a non-numeric issue number) with 404.
        if (validated.problem.where === "path") throw notFound();
        throw new GitHubError(422, `Invalid request.\n\n${validated.problem.message}`);
      }
      if (definition.write && repo?.archived) throw new GitHubError(403, "Repository was archived so is read-only.");
      const urls = apiUrls(`${request.url.origin}${prefixed ? API_PREFIX : ""}`, state.htmlHost);
      if (repo) answerRemovedIssue({ state, repo, operation: match.operation, params: validated.value.params, pathname, urls, canSee: (target) => canSee(actor, target) });

      const context: RouteContext = {
        state,
        actor,
        params: validated.value.params,
        query: validated.value.query,
        body: validated.value.body,
        repo,
        urls,
        requestUrl: request.url,
        headers: request.headers,
        blobs: deps.blobs,
        redeliver: deps.redeliver,
        rateLimitStatus: (wanted) => deps.limiter.status(key, wanted),
      };
      const result: RouteResult = await definition.handler(context);
      // Carried out, and the answer lost on the way back.
      if (faultError) throw faultError;
      const status = result.status ?? 200;
      const merged = { ...headers, ...result.headers };
      const response = result.raw
        ? { status, headers: { ...merged, "content-type": result.raw.contentType }, body: result.raw.data }
        : jsonResponse(status, result.body, merged);
      return method === "GET" && status === 200 && response.body !== undefined ? conditional(response, key, resource) : response;
    }

    /**
     * Tags a GET's answer with its entity tag; when `If-None-Match` names it, answers
     * `304 Not Modified` without a body and gives back the rate-limit point the request took.
     */
    function conditional(response: SimResponse, key: string, resource: RateResource): SimResponse {
      const etag = entityTag(response);
      if (!ifNoneMatchHits(request.headers.get("if-none-match"), etag)) return { ...response, headers: { ...response.headers, etag } };
      if (entry.countedAgainstRateLimit) {
        Object.assign(headers, rateHeaders(deps.limiter.refund(key, resource)));
        entry.countedAgainstRateLimit = false;
      }
      const { "content-type": _type, "content-length": _length, ...kept } = response.headers;
      return { status: 304, headers: { ...kept, ...headers, etag }, body: undefined };
    }
  };
}
