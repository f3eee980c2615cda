import type { Server } from "node:http";
import type { Counter } from "prom-client";
import { statusClassOf } from "./status-class.js";

/**
 * Counts the answers to webhook deliveries (POSTs on the webhook path) by status class, once
 * each is sent: 2xx recorded, 4xx refused before any handler ran (a bad or missing signature, a
 * malformed body), 5xx not recorded (the database refused it; GitHub shows the delivery as
 * failed). A request closed before its answer was sent counts as `network`.
 */
export function countWebhookResponses({ httpServer, webhookPath, counter }: { httpServer: Server; webhookPath: string; counter: Counter<"status_class"> }): void {
  httpServer.on("request", (req, res) => {
    if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== webhookPath) return;
    res.once("close", () => counter.inc({ status_class: res.writableFinished ? statusClassOf(res.statusCode) : "network" }));
  });
}
