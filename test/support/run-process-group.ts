import type { SpawnOptions } from "node:child_process";
import { spawnProcessGroup } from "./spawn-process-group.js";

export interface ProcessRun {
  /** The exit code; -1 when a signal ended the process. */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to its end in a process group of its own, the way `execFile` would (an exit
 * code other than 0 is a result, not an error), then SIGKILLs whatever it left running in its
 * group, so no grandchild outlives the run.
 */
export async function runProcessGroup(
  file: string,
  args: readonly string[],
  options: Pick<SpawnOptions, "cwd" | "env"> = {},
): Promise<ProcessRun> {
  const group = spawnProcessGroup(file, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  group.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  group.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = Promise.all([streamEnd(group.stdout), streamEnd(group.stderr)]);
  const { code } = await group.exited;
  group.signal("SIGKILL");
  await closed;
  return { code: code ?? -1, stdout, stderr };
}

function streamEnd(stream: NodeJS.ReadableStream | null): Promise<void> {
  if (stream === null) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("close", resolve);
    stream.once("end", resolve);
  });
}
