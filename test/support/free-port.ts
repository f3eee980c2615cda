import { createServer } from "node:net";

/**
 * A TCP port free on 127.0.0.1 right now. Probot's server treats port 0 as its default 3000,
 * so tests that start the app ask for a free port instead.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
