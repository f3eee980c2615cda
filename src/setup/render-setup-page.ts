import type { AppManifest } from "./app-manifest.js";
import { escapeHtml } from "./escape-html.js";
import type { SetupWebhookUrl } from "./setup-webhook-url.js";

export interface SetupPageInput {
  /** Where the form posts the manifest: GitHub's "new app" page, with the flow's `state`. */
  createAppUrl: string;
  /** Undefined when neither WEBHOOK_PROXY_URL nor BASE_URL is set: the page says what to set. */
  webhook: SetupWebhookUrl | undefined;
  manifest: AppManifest | undefined;
  /** Where the app's proxy client forwards deliveries (`http://host:port/api/github/webhooks`). */
  localWebhookUrl: string;
  /** `WEBHOOK_PATH`. */
  webhookPath: string;
}

/** The setup flow's page: register the app on GitHub, or first set where GitHub can reach it. */
export function renderSetupPage({ createAppUrl, webhook, manifest, localWebhookUrl, webhookPath }: SetupPageInput): string {
  const body =
    webhook && manifest
      ? registerSection({ createAppUrl, webhook, manifest, localWebhookUrl })
      : whatToSetSection({ localWebhookUrl, webhookPath });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Set up audit-digest</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
code, pre { font: 14px ui-monospace, monospace; background: #f6f8fa; border-radius: 6px; }
code { padding: 0.1em 0.3em; } pre { padding: 0.8em; overflow-x: auto; }
.warning { border-left: 4px solid #bf8700; padding: 0.2em 0.8em; background: #fff8c5; }
button { font: inherit; padding: 0.4em 1em; border-radius: 6px; border: 1px solid #1f883d; background: #1f883d; color: #fff; cursor: pointer; }
</style>
</head>
<body>
<h1>Set up audit-digest</h1>
${body}
<h2>Already registered the app?</h2>
<p>Set <code>APP_ID</code>, <code>PRIVATE_KEY_PATH</code> (or <code>PRIVATE_KEY</code>) and <code>WEBHOOK_SECRET</code>
in <code>.env</code> (see <code>.env.example</code>) and start the app again.</p>
</body>
</html>
`;
}

function registerSection({
  createAppUrl,
  webhook,
  manifest,
  localWebhookUrl,
}: {
  createAppUrl: string;
  webhook: SetupWebhookUrl;
  manifest: AppManifest;
  localWebhookUrl: string;
}): string {
  const route =
    webhook.via === "proxy"
      ? `the smee.io channel <code>${escapeHtml(webhook.url)}</code> (<code>WEBHOOK_PROXY_URL</code>), which this app forwards to <code>${escapeHtml(localWebhookUrl)}</code> once it runs`
      : `<code>${escapeHtml(webhook.url)}</code> (<code>BASE_URL</code> and <code>WEBHOOK_PATH</code>)`;
  return `<p>The app will be registered on GitHub from <code>app.yml</code>, with its events and permissions.
GitHub will deliver its webhooks to ${route}.</p>
${webhook.warning ? `<p class="warning">${escapeHtml(webhook.warning)} Set a smee.io channel or a public address instead.</p>` : ""}
<form action="${escapeHtml(createAppUrl)}" method="post">
<input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(manifest))}">
<button type="submit">Register GitHub App</button>
</form>
<p>Then: GitHub sends you back here, the app's credentials are written to <code>.env</code>, and GitHub asks
where to install it. Start the app again (<code>npm start</code>) and install it on the repositories to audit.</p>`;
}

function whatToSetSection({ localWebhookUrl, webhookPath }: { localWebhookUrl: string; webhookPath: string }): string {
  return `<p><strong>GitHub needs an address to deliver webhooks to, and this app has none yet.</strong>
Registering it now would give GitHub <code>${escapeHtml(localWebhookUrl)}</code>, which it cannot reach. Set one of these
in <code>.env</code> (or the environment), then start the app again:</p>
<ul>
<li><code>WEBHOOK_PROXY_URL</code>: a <a href="https://smee.io/new">smee.io channel</a>, for a machine GitHub cannot reach
(a laptop). GitHub delivers to the channel; the app forwards each delivery to its webhook path.
<pre>WEBHOOK_PROXY_URL=https://smee.io/your-channel</pre></li>
<li><code>BASE_URL</code>: the app's public address; GitHub delivers to <code>&lt;BASE_URL&gt;${escapeHtml(webhookPath)}</code>
(<code>WEBHOOK_PATH</code>).
<pre>BASE_URL=https://audit.example.com</pre></li>
</ul>`;
}
