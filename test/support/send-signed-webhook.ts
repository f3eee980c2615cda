import { createHmac, randomUUID } from "node:crypto";

export interface SignedWebhook {
  url: string;
  event: string;
  payload: unknown;
  secret: string;
  deliveryId?: string;
}

/** POSTs a webhook the way GitHub does: JSON body, `X-Hub-Signature-256`, event and delivery headers. */
export async function sendSignedWebhook({ url, event, payload, secret, deliveryId = randomUUID() }: SignedWebhook) {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": deliveryId,
      "x-hub-signature-256": signature,
      "user-agent": "GitHub-Hookshot/test",
    },
    body,
  });
  return { status: response.status, body: await response.text(), deliveryId };
}
