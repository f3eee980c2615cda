/** What GitHub returns when a manifest's code is converted: the new app and its credentials. */
export interface RegisteredApp {
  id: number;
  slug: string;
  html_url: string;
  pem: string;
  webhook_secret: string;
}

/**
 * Exchanges the code GitHub gives the setup flow's callback for the app it registered
 * (`POST /app-manifests/{code}/conversions`, no authentication; the code is valid one hour).
 * The error names GitHub's status and message, never the credentials.
 */
export async function convertManifestCode({
  apiBaseUrl,
  code,
  fetch: fetchImpl = fetch,
}: {
  /** `https://api.github.com`, or `<protocol>://<GHE_HOST>/api/v3`. */
  apiBaseUrl: string;
  code: string;
  fetch?: typeof fetch;
}): Promise<RegisteredApp> {
  const response = await fetchImpl(`${apiBaseUrl}/app-manifests/${encodeURIComponent(code)}/conversions`, {
    method: "POST",
    headers: { accept: "application/vnd.github+json", "user-agent": "audit-digest-setup" },
  });
  const text = await response.text();
  if (!response.ok) {
    const message = githubMessage(text);
    throw new Error(
      `GitHub refused the app's registration code (${response.status}${message ? ` ${message}` : ""}): a code is valid one hour and once; register the app again`,
    );
  }
  const app = JSON.parse(text) as Partial<RegisteredApp>;
  if (typeof app.id !== "number" || !app.pem || !app.webhook_secret || !app.html_url) {
    throw new Error("GitHub's answer to the app's registration lacks its id, private key or webhook secret; register the app again");
  }
  return { id: app.id, slug: app.slug ?? "", html_url: app.html_url, pem: app.pem, webhook_secret: app.webhook_secret };
}

function githubMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === "string" ? message : "";
  } catch {
    return "";
  }
}
