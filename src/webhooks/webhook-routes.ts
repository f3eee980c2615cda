import { auditCommandRoute } from "../commands/audit-command-route.js";
import { INGEST_GATE_CHECK_NAME, RERUN_INGEST_ACTION } from "../checks/ingest-gate-check.js";
import { isFromFork } from "../ingest/is-from-fork.js";
import { defineWebhookRoute, type WebhookRoute } from "./webhook-route.js";

/** The table of events the app acts on, and the job each one enqueues. */
export const webhookRoutes: WebhookRoute[] = [
  defineWebhookRoute({
    events: ["workflow_run.completed"],
    job: "ingest-workflow-run",
    toJob: ({ payload }) => ({
      owner: payload.repository.owner.login,
      repo: payload.repository.name,
      runId: payload.workflow_run.id,
      runAttempt: payload.workflow_run.run_attempt,
      headSha: payload.workflow_run.head_sha,
      fromFork: isFromFork(payload.workflow_run),
    }),
  }),
  defineWebhookRoute({
    events: ["check_run.rerequested", "check_run.requested_action"],
    job: "rerun-ingest",
    toJob: ({ payload }) => {
      if (payload.check_run.name !== INGEST_GATE_CHECK_NAME) return null;
      if (payload.action === "requested_action" && payload.requested_action?.identifier !== RERUN_INGEST_ACTION.identifier) return null;
      return { owner: payload.repository.owner.login, repo: payload.repository.name, headSha: payload.check_run.head_sha };
    },
  }),
  defineWebhookRoute({
    events: ["check_suite.rerequested"],
    job: "rerun-ingest",
    toJob: ({ payload }) => ({
      owner: payload.repository.owner.login,
      repo: payload.repository.name,
      headSha: payload.check_suite.head_sha,
    }),
  }),
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
  auditCommandRoute,
  defineWebhookRoute({
    events: ["installation.new_permissions_accepted", "installation_repositories.added", "repository.edited", "repository.unarchived"],
    job: "redrive-fallbacks",
    toJob: ({ payload, name }) => {
      // An edit matters only where issues are on (it may have just turned them on); the job costs
      // no GitHub request when the installation has no pending fallback record.
      if ("repository" in payload && payload.repository && "has_issues" in payload.repository && payload.repository.has_issues === false) return null;
      return { trigger: `${name}.${payload.action}`, recordId: null, afterId: null };
    },
  }),
];
