import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createMetricsHandler } from "./metrics-handler.js";

export interface MetricsServer {
  /** The port it listens on (the one asked for, or the one the system chose for 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * A listener of its own for `GET /metrics` (`METRICS_PORT`), so the scrape can stay on a port
 * that only the monitoring network reaches; anything else it is asked gets a 404.
 */
export async function startMetricsServer({ registry, host, port, log }: { registry: Registry; host: string; port: number; log: Logger }): Promise<MetricsServer> {
  const handle = createMetricsHandler(registry);
  const server = createServer((req, res) => {
    handle(req, res)
      .then((handled) => {
        if (!handled) res.writeHead(404, { "content-type": "text/plain" }).end("Not found: this port serves GET /metrics only\n");
      })
      .catch((error: unknown) => {
        log.error({ err: error }, "metrics scrape failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("metrics unavailable\n");
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
