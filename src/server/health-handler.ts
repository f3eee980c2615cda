import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Database } from "../db/database.js";
import type { JobQueue } from "../jobs/job-queue.js";

/**
 * `GET /healthz`: the process is alive. `GET /readyz`: the database and the job queue answer;
 * 503 otherwise, so a load balancer stops sending webhooks here. The answer names only which
 * part is unavailable: anyone can ask, and a database's error can hold hosts, users or SQL.
 * The error itself goes to the log.
 */
export function createHealthHandler({ db, queue, log }: { db: Database; queue: JobQueue; log: Logger }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET") return false;
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/healthz") {
      sendJson(res, 200, { status: "ok" });
      return true;
    }
    if (path !== "/readyz") return false;
    const problems: string[] = [];
    const unavailable = (part: "database" | "job queue") => (error: unknown) => {
      log.warn({ err: error, part }, `readiness check: ${part} unavailable`);
      problems.push(`${part} unavailable`);
    };
    await db.query("SELECT 1").catch(unavailable("database"));
    await queue.deadLetterCount().catch(unavailable("job queue"));
    sendJson(res, problems.length ? 503 : 200, problems.length ? { status: "unavailable", problems } : { status: "ready" });
    return true;
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
