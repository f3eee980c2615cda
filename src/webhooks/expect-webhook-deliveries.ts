import type { Server } from "node:http";
import type { WebhookJobBatcher } from "../jobs/webhook-job-batcher.js";

/**
 * Tells the intake batcher about each webhook request as soon as its headers are in, so a batch
 * waits for deliveries already being read (their bodies, signature checks and handlers) instead
 * of committing without them; the wait ends when the request reaches the batcher or its response
 * is done (a bad signature, an event the app ignores).
 */
export function expectWebhookDeliveries({ httpServer, webhookPath, batcher }: { httpServer: Server; webhookPath: string; batcher: WebhookJobBatcher }): void {
  httpServer.on("request", (req, res) => {
    if (req.method !== "POST") return;
    const deliveryId = req.headers["x-github-delivery"];
    if (typeof deliveryId !== "string" || (req.url ?? "").split("?")[0] !== webhookPath) return;
    res.once("close", batcher.expect(deliveryId));
  });
}
