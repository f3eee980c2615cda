/** A short reason for a failed file operation (no stack, no internals). */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EISDIR") return "is a directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (typeof code === "string") return code;
  return error instanceof Error ? error.message : "failed";
}
