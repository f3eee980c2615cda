/** The `/audit` commands, one line each, as the help reply lists them. */
export const AUDIT_COMMAND_HELP = [
  "`/audit help`: these commands.",
  "`/audit status`: the last ingest, open and suppressed counts, and deferred or failed work for this digest (or this pull request's head commit).",
  "`/audit rerun`: ingest the latest run again (on a pull request: its head commit's run). Needs write access.",
  "`/audit fp <fingerprint> [--tests] [reason…]`: dismiss a finding as a false positive (`--tests`: used in tests). Needs write access.",
  "`/audit wontfix <fingerprint> [reason…]`: dismiss a finding that will not be fixed. Needs write access.",
  "`/audit reopen <fingerprint>`: undo a dismissal. Needs write access.",
  "`/audit mute <pattern> [owner/repo] [--until YYYY-MM-DD]`: suppress a pattern for this audit, in one repository when named, through that day (UTC) when `--until` is given (a pattern with spaces in backticks). Needs write access.",
  "`/audit unmute <pattern> [owner/repo]`: lift a mute. Needs write access.",
].map((line) => `- ${line}`).join("\n");
