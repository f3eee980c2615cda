import type { SimRequest, SimResponse } from "./dispatch-request.js";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

function toResponse(result: SimResponse, url: string, redirected: boolean): Response {
  const nullBody = result.status === 204 || result.status === 304 || result.body === undefined;
  const body = nullBody ? null : typeof result.body === "string" ? result.body : new Uint8Array(result.body ?? new Uint8Array());
  const response = new Response(body, { status: result.status, headers: result.headers });
  // A constructed Response has no URL; a fetched one does, and clients read it.
  Object.defineProperty(response, "url", { value: url });
  Object.defineProperty(response, "redirected", { value: redirected });
  return response;
}

/**
 * A WHATWG `fetch` that answers from the simulator in-process (no sockets). Redirects are
 * followed here unless the request says `redirect: "manual"`, like the platform fetch does.
 */
export function createSimulatorFetch(dispatch: (request: SimRequest) => Promise<SimResponse>): typeof fetch {
  return async function simulatorFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    let request = new Request(input, init);
    for (let hops = 0; ; hops += 1) {
      if (request.signal.aborted) throw request.signal.reason as Error;
      const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
      const result = await dispatch({ method: request.method, url: new URL(request.url), headers: request.headers, body, signal: request.signal });
      const location = result.headers.location;
      if (!REDIRECT_STATUSES.has(result.status) || location === undefined || request.redirect === "manual") {
        return toResponse(result, request.url, hops > 0);
      }
      if (request.redirect === "error") throw new TypeError(`fetch failed: redirect to ${location} with redirect mode "error"`);
      if (hops >= MAX_REDIRECTS) throw new TypeError("fetch failed: too many redirects");
      const target = new URL(location, request.url);
      const headers = new Headers(request.headers);
      // The platform drops credentials when a redirect leaves the origin.
      if (target.origin !== new URL(request.url).origin) headers.delete("authorization");
      // As the fetch standard has it: a 303 becomes a GET (a HEAD stays one), and so does a POST
      // sent to a 301 or 302; any other request is sent again as it was, body included.
      const toGet = (result.status === 303 && request.method !== "HEAD") || ((result.status === 301 || result.status === 302) && request.method === "POST");
      const nextMethod = toGet ? "GET" : request.method;
      request = new Request(target, {
        method: nextMethod,
        headers,
        signal: request.signal,
        redirect: request.redirect,
        ...(!toGet && body ? { body } : {}),
      });
    }
  };
}
