import { defineWebhookRoute, type WebhookRoute } from "./webhook-route.js";

/** The table of events the app acts on, and the job each one enqueues. */
export const webhookRoutes: WebhookRoute[] = [
  defineWebhookRoute({
    events: ["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"],
    job: "prepare-check-run",
    toJob: ({ payload }) => ({
      owner: payload.repository.owner.login,
      repo: payload.repository.name,
      headSha: payload.pull_request.head.sha,
      pullNumber: payload.pull_request.number,
    }),
  }),
  defineWebhookRoute({
    events: [
      "installation.created",
      "installation.deleted",
      "installation.suspend",
      "installation.unsuspend",
      "installation.new_permissions_accepted",
      "installation_repositories.added",
      "installation_repositories.removed",
    ],
    job: "sync-installation",
    toJob: ({ payload, name }) => {
      const installation = payload.installation;
      const account = installation.account as { login?: string; slug?: string; type?: string } | null;
      return {
        action: `${name}.${payload.action}`,
        accountLogin: account?.login ?? account?.slug ?? "unknown",
        accountType: account?.type ?? "Enterprise",
        permissions: { ...(installation.permissions as Record<string, string>) },
        suspended: payload.action === "suspend" || Boolean(installation.suspended_at && payload.action !== "unsuspend"),
        repositories: "repositories" in payload && payload.repositories ? payload.repositories.map((r) => r.full_name) : null,
      };
    },
  }),
];
