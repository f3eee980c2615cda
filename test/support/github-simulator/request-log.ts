export interface LoggedRequest {
  method: string;
  /** Method and template, e.g. "POST /repos/{owner}/{repo}/issues"; for unknown paths, method and path. */
  route: string;
  path: string;
  query: Record<string, string>;
  status: number;
  durationMs: number;
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
}

export function requestMatches(entry: LoggedRequest, filter: RequestFilter): boolean {
  if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false;
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  if (filter.route !== undefined) {
    const wanted = filter.route.includes(" ") ? filter.route : `${entry.method} ${filter.route}`;
    if (entry.route !== wanted) return false;
  }
  return true;
}
