import { spawn, type SpawnOptions } from "node:child_process";
import type { Readable } from "node:stream";

export interface ProcessGroup {
  /** The leader's pid, which is also the group's id. */
  pid: number;
  stdout: Readable | null;
  stderr: Readable | null;
  /** Resolves when the leader has exited (its code, or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGKILL) to every process of the group; nothing happens when none is left. */
  signal(signal?: NodeJS.Signals): void;
}

/** Groups still to be ended when this test process exits (a test that timed out never reached its cleanup). */
const live = new Set<number>();
let exitHookInstalled = false;

/**
 * Starts `command` as the leader of a process group of its own (`detached: true`), so the
 * processes it starts in turn (tsx's node, npm's scripts, bash's commands) can be ended with it:
 * `signal()` reaches them all, and every group still running is SIGKILLed when this process exits.
 */
export function spawnProcessGroup(command: string, args: readonly string[], options: Omit<SpawnOptions, "detached"> = {}): ProcessGroup {
  const child = spawn(command, args, { ...options, detached: true });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command} ${args.join(" ")}`);
  live.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const group of live) signalGroup(group, "SIGKILL");
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    pid,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    signal(signal: NodeJS.Signals = "SIGKILL") {
      const gone = !signalGroup(pid, signal);
      if (gone || signal === "SIGKILL") live.delete(pid);
    },
  };
}

/** kill(-pgid): true when the signal reached the group, false when no process of it is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}
