import { readdirSync, readFileSync } from "node:fs";

/**
 * The pids of the processes whose process group is `pgid`, read from /proc (field 5 of
 * /proc/<pid>/stat). Zombies are left out: they have ended, and wait only for their parent.
 */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended while we looked
    }
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(group) === pgid && state !== "Z") members.push(Number(entry));
  }
  return members;
}
