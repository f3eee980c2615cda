import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "../db/database.js";
import type { JobQueue } from "../jobs/job-queue.js";

/**
 * `GET /healthz`: the process is alive. `GET /readyz`: the database and the job queue answer;
 * 503 with the reason otherwise, so a load balancer stops sending webhooks here.
 */
export function createHealthHandler({ db, queue }: { db: Database; queue: JobQueue }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET") return false;
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/healthz") {
      sendJson(res, 200, { status: "ok" });
      return true;
    }
    if (path !== "/readyz") return false;
    const problems: string[] = [];
    await db.query("SELECT 1").catch((error: unknown) => problems.push(`database: ${describe(error)}`));
    await queue.deadLetterCount().catch((error: unknown) => problems.push(`job queue: ${describe(error)}`));
    sendJson(res, problems.length ? 503 : 200, problems.length ? { status: "unavailable", problems } : { status: "ready" });
    return true;
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
