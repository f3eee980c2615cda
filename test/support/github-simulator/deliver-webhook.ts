import { createHmac, randomUUID } from "node:crypto";
import type { SimHookDelivery, SimulatorState } from "./simulator-state.js";

export interface WebhookInput {
  url: string;
  secret: string;
  /** The `X-GitHub-Event` name, e.g. "workflow_run". */
  event: string;
  payload: unknown;
  /** The `X-GitHub-Delivery` guid; a new one when omitted. */
  deliveryId?: string;
}

/** GitHub gives a receiver 10 seconds to answer. */
const DELIVERY_TIMEOUT_MS = 10_000;

export function signWebhookBody(secret: string, body: string): { sha256: string; sha1: string } {
  return {
    sha256: `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    sha1: `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`,
  };
}

function numberAt(payload: unknown, key: "installation" | "repository"): number | null {
  const value = (payload as Record<string, { id?: unknown } | undefined> | null)?.[key]?.id;
  return typeof value === "number" ? value : null;
}

/**
 * POSTs a signed webhook with global fetch and records it as an app hook delivery, the way
 * GitHub lists deliveries (`GET /app/hook/deliveries`).
 */
export async function sendWebhook(
  state: SimulatorState,
  input: { url: string; secret: string; event: string; body: string; guid: string; redelivery: boolean },
): Promise<SimHookDelivery> {
  const signature = signWebhookBody(input.secret, input.body);
  const requestHeaders: Record<string, string> = {
    accept: "*/*",
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/simulator",
    "x-github-delivery": input.guid,
    "x-github-event": input.event,
    "x-github-hook-id": "1",
    "x-github-hook-installation-target-id": String(state.app.id),
    "x-github-hook-installation-target-type": "integration",
    "x-hub-signature": signature.sha1,
    "x-hub-signature-256": signature.sha256,
  };
  const startedAt = performance.now();
  let statusCode = 0;
  let status: string;
  let responseHeaders: Record<string, string> = {};
  let responseBody = "";
  try {
    const response = await fetch(input.url, {
      method: "POST",
      headers: requestHeaders,
      body: input.body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    statusCode = response.status;
    responseHeaders = Object.fromEntries(response.headers);
    responseBody = await response.text();
    status = response.ok ? "OK" : `Invalid HTTP Response: ${response.status}`;
  } catch (error) {
    status = error instanceof Error && error.name === "TimeoutError" ? "timed out" : "failed to connect to host";
  }
  const payload: unknown = JSON.parse(input.body);
  const action = (payload as { action?: unknown } | null)?.action;
  const delivery: SimHookDelivery = {
    id: state.nextId(),
    guid: input.guid,
    deliveredAt: state.now(),
    redelivery: input.redelivery,
    durationMs: performance.now() - startedAt,
    statusCode,
    status,
    event: input.event,
    action: typeof action === "string" ? action : null,
    installationId: numberAt(payload, "installation"),
    repositoryId: numberAt(payload, "repository"),
    url: input.url,
    secret: input.secret,
    requestHeaders,
    requestBody: input.body,
    responseHeaders,
    responseBody,
  };
  state.deliveries.push(delivery);
  return delivery;
}

export function newDeliveryGuid(): string {
  return randomUUID();
}
