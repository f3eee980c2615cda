/** Where command output goes (process.stdout/stderr, or a buffer in tests). */
export interface CliOutput {
  write(chunk: string): unknown;
}

/** Everything a command may touch: no command reads `process` directly. */
export interface CliIo {
  /** Arguments after the program name, e.g. `["validate", "artifact.json"]`. */
  readonly argv: readonly string[];
  readonly stdin: AsyncIterable<Uint8Array | string>;
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative file names are resolved against this directory. */
  readonly cwd: string;
}
