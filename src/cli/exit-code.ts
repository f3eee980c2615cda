/** Exit codes of the `audit-digest` command line. */
export const ExitCode = {
  /** Valid (or the command succeeded). */
  ok: 0,
  /** Usage error, or a file could not be read or written. */
  usage: 1,
  /** The artifact failed to parse or validate (including too large or too deep). */
  invalid: 2,
  /** The signature is missing while required, names an unknown key, or does not match. */
  signature: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
