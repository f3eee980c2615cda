/**
 * When a GitHub error cannot be fixed by retrying — the app lacks a permission, the repository
 * is out of the installation's reach, issues are disabled, the repository is archived — a
 * sentence saying so for the people reading the check run; undefined for errors worth a retry
 * (5xx, timeouts, rate limits).
 */
export function describePermanentFailure(error: unknown): string | undefined {
  const status = (error as { status?: unknown }).status;
  const message = (error as { response?: { data?: { message?: unknown } } }).response?.data?.message;
  const text = typeof message === "string" ? message : "";
  if (status === 403 && /not accessible by integration/i.test(text)) {
    return "the app lacks a permission it needs here (GitHub: Resource not accessible by integration); an organisation owner can grant it in the app's installation settings";
  }
  if (status === 403 && /archived/i.test(text)) return "the repository is archived, so it is read-only";
  if (status === 410 && /issues are disabled/i.test(text)) return "issues are disabled in the repository";
  if (status === 404) return "the repository is not reachable by the app's installation (not installed there, or it does not exist)";
  return undefined;
}
