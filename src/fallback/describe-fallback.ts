import type { PermissionCause } from "../github/classify-github-error.js";
import type { FallbackRecord } from "./fallback-record.js";

const WHAT: Record<PermissionCause, (repository: string) => string> = {
  forbidden: (repository) => `the app may not create issues in ${repository}`,
  archived: (repository) => `${repository} is archived, so it is read-only`,
  "issues-disabled": (repository) => `issues are disabled in ${repository}`,
  unreachable: (repository) => `${repository} is not reachable by the app's installation (not installed there, or it does not exist)`,
  unauthorized: () => "GitHub did not accept the app's credentials",
};

const TO_DO: Record<PermissionCause, (repository: string) => string> = {
  forbidden: () => "Grant *Issues: write* to the app or enable issues",
  archived: (repository) => `Unarchive ${repository}, or point digest.repository at another home`,
  "issues-disabled": (repository) => `Enable issues in ${repository}`,
  unreachable: (repository) => `Add ${repository} to the app's installation`,
  unauthorized: () => "Check the app's APP_ID and private key",
};

/**
 * What happened and what to do, for the check run and the log, completing "No digest was
 * filed: …". For example: "the app may not create issues in acme/security (403 Resource not
 * accessible by integration). Grant *Issues: write* to the app or enable issues; the findings
 * are kept, redacted, as fallback record 12 until 2026-12-09 and will be filed when that is
 * possible."
 */
export function describeFallback(record: Pick<FallbackRecord, "id" | "targetRepository" | "reason" | "expiresAt">): string {
  const { cause, status, message } = record.reason;
  const repository = record.targetRepository;
  return (
    `${WHAT[cause](repository)} (${status} ${message}). ${TO_DO[cause](repository)}; ` +
    `the findings are kept, redacted, as fallback record ${record.id} until ${record.expiresAt.slice(0, 10)} and will be filed when that is possible.`
  );
}
