import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimRequest, SimResponse } from "./dispatch-request.js";

export interface SimulatorServer {
  /** e.g. "http://127.0.0.1:41234" */
  url: string;
  /** The API base Probot uses for GHE_HOST: "http://127.0.0.1:41234/api/v3". */
  baseUrl: string;
  /** "127.0.0.1:41234", the value for GHE_HOST (with GHE_PROTOCOL=http). */
  host: string;
  close(): Promise<void>;
}

async function readBody(message: IncomingMessage): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return chunks.length === 0 ? undefined : new Uint8Array(Buffer.concat(chunks));
}

/** Serves the simulator over real HTTP on 127.0.0.1 (random port unless one is given). */
export async function startHttpServer(dispatch: (request: SimRequest) => Promise<SimResponse>, port = 0): Promise<SimulatorServer> {
  const server = createServer((message, reply) => {
    void (async () => {
      try {
        const headers = new Headers();
        for (const [name, value] of Object.entries(message.headers)) {
          if (Array.isArray(value)) for (const item of value) headers.append(name, item);
          else if (value !== undefined) headers.set(name, value);
        }
        const abort = new AbortController();
        reply.on("close", () => {
          if (!reply.writableFinished) abort.abort();
        });
        const result = await dispatch({
          method: message.method ?? "GET",
          url: new URL(message.url ?? "/", `http://${message.headers.host ?? "127.0.0.1"}`),
          headers,
          body: await readBody(message),
          signal: abort.signal,
        });
        reply.writeHead(result.status, result.headers);
        reply.end(result.body);
      } catch (error) {
        if (!reply.headersSent) reply.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        reply.end(JSON.stringify({ message: error instanceof Error ? error.message : "Server Error" }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: actualPort } = server.address() as AddressInfo;
  const host = `127.0.0.1:${actualPort}`;
  return {
    url: `http://${host}`,
    baseUrl: `http://${host}/api/v3`,
    host,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
