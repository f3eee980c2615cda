import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface StatePageServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `render()` at `/` on 127.0.0.1 (read-only: GET and HEAD only, nothing else is served). */
export async function serveStatePage({ port, render }: { port: number; render: () => string }): Promise<StatePageServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") return void res.writeHead(405, { allow: "GET, HEAD" }).end();
    if (path !== "/") return void res.writeHead(404, { "content-type": "text/plain" }).end("Not found: the demo page is at /\n");
    try {
      const html = render();
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:" });
      res.end(req.method === "HEAD" ? undefined : html);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(`The page could not be rendered: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`port ${port} is in use: run npm run demo -- --port <another port> (0 picks a free one)`) : error),
    );
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
