import type { ApiUrls } from "./api-urls.js";
import type { Actor } from "./authenticate-request.js";
import { GitHubError, notFound } from "./github-error.js";
import type { RateLimitStatus, RateResource } from "./rate-limiter.js";
import type { PermissionLevel, SimHookDelivery, SimRepository, SimulatorState } from "./simulator-state.js";

export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (raw file content, zip bytes). */
  raw?: { contentType: string; data: Uint8Array | string };
}

/** Short-lived download URLs handed out by redirects, as GitHub does for artifact archives. */
export type BlobStore = Map<string, { data: Uint8Array; expiresAt: number }>;

export interface RouteContext {
  state: SimulatorState;
  actor: Actor;
  /** Path parameters after schema validation (integers coerced). */
  params: Record<string, unknown>;
  /** Query after schema validation (defaults applied, integers coerced). */
  query: Record<string, unknown>;
  body: unknown;
  /** The repository named by `{owner}/{repo}`, already checked for access. */
  repo: SimRepository | undefined;
  urls: ApiUrls;
  requestUrl: URL;
  headers: Headers;
  blobs: BlobStore;
  /** Sends a recorded delivery again (same guid) and records the new attempt. */
  redeliver: (delivery: SimHookDelivery) => Promise<SimHookDelivery>;
  /** The caller's current primary rate-limit window for a resource. */
  rateLimitStatus: (resource: RateResource) => RateLimitStatus;
}

export interface RouteDefinition {
  method: string;
  route: string;
  /** Who may call: an installation token, the app's JWT, or anyone (including no credentials). */
  auth: "installation" | "app" | "any";
  /** Any one of these grants access (e.g. issues or pull_requests for labels). */
  permission?: ReadonlyArray<readonly [string, PermissionLevel]>;
  /** Changes repository content (refused on archived repositories). */
  write?: boolean;
  /** Counts toward the content-creating secondary limit. */
  contentCreating?: boolean;
  handler: (context: RouteContext) => RouteResult | Promise<RouteResult>;
}

export function requireRepo(context: RouteContext): SimRepository {
  if (!context.repo) throw notFound();
  return context.repo;
}

export function numberParam(context: RouteContext, name: string): number {
  const value = Number(context.params[name]);
  if (!Number.isInteger(value)) throw notFound();
  return value;
}

export function bodyObject(context: RouteContext): Record<string, unknown> {
  const body = context.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw new GitHubError(400, "Problems parsing JSON");
  return body as Record<string, unknown>;
}
