/** Where the JSON a response carries points: the API base the client used and the web host. */
export interface ApiUrls {
  /** e.g. "https://api.github.com" or "http://127.0.0.1:PORT/api/v3" (no trailing slash). */
  api: string;
  /** e.g. "https://github.com". */
  html: string;
}

export function apiUrls(apiBase: string, htmlHost: string): ApiUrls {
  return { api: apiBase.replace(/\/+$/, ""), html: `https://${htmlHost}` };
}

/** GitHub's node ids are opaque strings; a stable readable stand-in is enough. */
export function nodeId(kind: string, id: number): string {
  return Buffer.from(`${kind}:${id}`).toString("base64").replace(/=+$/, "");
}
