import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";

/** `GET /metrics`: Prometheus text exposition of the app's registry. */
export function createMetricsHandler(registry: Registry) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" || new URL(req.url ?? "/", "http://localhost").pathname !== "/metrics") return false;
    const text = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType }).end(text);
    return true;
  };
}
