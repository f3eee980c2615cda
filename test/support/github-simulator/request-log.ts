export interface LoggedRequest {
  method: string;
  /** Method and template, e.g. "POST /repos/{owner}/{repo}/issues"; for unknown paths, method and path. */
  route: string;
  path: string;
  query: Record<string, string>;
  /** 304 when a conditional GET found the resource unchanged (no body was sent). */
  status: number;
  durationMs: number;
  /** The request carried `If-None-Match` (a conditional GET). */
  conditional: boolean;
  /**
   * The request was counted against a primary rate limit (the installation's, the app's or the
   * anonymous one): false for a 304, for `GET /rate_limit`, for artifact storage downloads and for
   * requests refused before they were counted (a spent window, bad credentials).
   */
  countedAgainstRateLimit: boolean;
  installationId?: number;
  /** Parsed JSON body (or the raw text when it was not JSON). */
  requestBody?: unknown;
  /** Simulator clock at arrival (epoch ms). */
  at: number;
}

export interface RequestFilter {
  method?: string;
  /** Template with or without the method, e.g. "/repos/{owner}/{repo}/issues" or "POST /repos/{owner}/{repo}/issues". */
  route?: string;
  status?: number;
  /** Only requests counted (true) or not counted (false) against a primary rate limit. */
  countedAgainstRateLimit?: boolean;
}

export function requestMatches(entry: LoggedRequest, filter: RequestFilter): boolean {
  if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false;
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  if (filter.countedAgainstRateLimit !== undefined && entry.countedAgainstRateLimit !== filter.countedAgainstRateLimit) return false;
  if (filter.route !== undefined) {
    const wanted = filter.route.includes(" ") ? filter.route : `${entry.method} ${filter.route}`;
    if (entry.route !== wanted) return false;
  }
  return true;
}
