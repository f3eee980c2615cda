import type { ProbotOctokit } from "probot";

type OctokitPlugin = Parameters<typeof ProbotOctokit.plugin>[0];

/**
 * The app's requests that GitHub may carry out and still answer with a failure (a 5xx, a
 * dropped connection, a timeout), and that do harm when sent again: each one that arrives
 * creates something. A label (422 when it exists), a reaction (GitHub keeps one per kind) and
 * every PATCH but the one below are left out: sent twice, they change nothing.
 */
export const UNREPEATABLE_ROUTES: ReadonlySet<string> = new Set([
  "POST /repos/{owner}/{repo}/issues",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/check-runs",
]);

/** A check run update carrying annotations: GitHub appends them, so a second one doubles them. */
const CHECK_RUN_UPDATE = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";

/** Whether sending this request again after a failure could write twice (see `UNREPEATABLE_ROUTES`). */
export function isUnrepeatable(options: { method?: string; url?: string; output?: unknown }): boolean {
  const route = `${options.method ?? "GET"} ${options.url ?? ""}`;
  if (UNREPEATABLE_ROUTES.has(route)) return true;
  if (route !== CHECK_RUN_UPDATE) return false;
  const annotations = (options.output as { annotations?: unknown } | undefined)?.annotations;
  return Array.isArray(annotations) && annotations.length > 0;
}

/**
 * An Octokit plugin that keeps plugin-retry from repeating the requests `isUnrepeatable` names
 * after a 5xx or a network failure: the caller looks first whether the write took place and
 * sends it again only when it did not (see `createOnce`). Rate limits are unaffected: a 403 or
 * 429 is answered before anything is written, and the throttling plugin may still wait one out.
 */
export function noBlindRetries(): OctokitPlugin {
  return (octokit) => {
    octokit.hook.before("request", (options) => {
      if (!isUnrepeatable(options)) return;
      // The hooks inside this one see the options they were bound to, so the limit goes on those.
      options.request = { ...options.request, retries: 0 };
    });
  };
}
