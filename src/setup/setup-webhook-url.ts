import type { AppConfig } from "../config/app-config.js";

/** Where GitHub is to deliver the webhooks of the app the setup flow registers. */
export interface SetupWebhookUrl {
  url: string;
  /** `proxy`: a smee.io channel the app forwards to its webhook path; `base-url`: the app's public address. */
  via: "proxy" | "base-url";
  /** Set when the address is one GitHub cannot reach (this machine): the page shows it beside the button. */
  warning?: string;
}

const LOCAL_HOSTS = /^(localhost|127(\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\])$/i;

/**
 * The webhook URL for the app's manifest: the `WEBHOOK_PROXY_URL` channel itself (smee.io takes
 * deliveries at the channel's own address, and the app's proxy client forwards each one to
 * `WEBHOOK_PATH`), or else `<BASE_URL><WEBHOOK_PATH>`. Undefined when neither is set: there is
 * no address GitHub could reach, and the setup page says what to set instead.
 */
export function setupWebhookUrl(config: Pick<AppConfig, "github" | "server">): SetupWebhookUrl | undefined {
  const proxy = config.github.webhookProxyUrl;
  if (proxy !== undefined) return withWarning({ url: proxy, via: "proxy" });
  const base = config.server.publicUrl;
  if (base !== undefined) return withWarning({ url: `${base}${config.github.webhookPath}`, via: "base-url" });
  return undefined;
}

function withWarning(webhook: SetupWebhookUrl): SetupWebhookUrl {
  const host = new URL(webhook.url).hostname;
  if (!LOCAL_HOSTS.test(host)) return webhook;
  const variable = webhook.via === "proxy" ? "WEBHOOK_PROXY_URL" : "BASE_URL";
  return { ...webhook, warning: `${variable} points at this machine (${host}): GitHub cannot deliver webhooks there.` };
}
