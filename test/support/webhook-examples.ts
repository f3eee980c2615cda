import { createRequire } from "node:module";

interface ExampleGroup {
  name: string;
  examples: Array<Record<string, unknown> & { action?: string }>;
}

const require = createRequire(import.meta.url);

/** A webhook payload as a test reads it: any field may be looked into. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- example payloads are untyped JSON
export type WebhookPayload = Record<string, any>;
const groups = require("@octokit/webhooks-examples") as ExampleGroup[];

/**
 * A real payload from `@octokit/webhooks-examples` (a deep copy), with an `installation`
 * added: most examples lack one, and the app refuses events without it.
 */
export function webhookExample(
  event: string,
  action: string,
  { installationId = 1 }: { installationId?: number | null } = {},
): WebhookPayload {
  const example = groups.find((group) => group.name === event)?.examples.find((e) => e.action === action);
  if (!example) throw new Error(`no example payload for ${event}.${action}`);
  const payload = structuredClone(example) as WebhookPayload;
  if (installationId === null) delete payload.installation;
  else payload.installation = { ...(payload.installation ?? {}), id: installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u" };
  return payload;
}
