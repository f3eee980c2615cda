import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { scheduledTasks } from "../../src/schedules/scheduled-tasks.js";

const root = resolve(import.meta.dirname, "../..");

interface CronReading {
  /** `Intl.DateTimeFormat`s constructed while pg-boss's cron-parser read the schedules as pg-boss does (now, in UTC, and the previous time). */
  intlFormats: number;
  /** The next six times of each cron, read as pg-boss reads a schedule registered in UTC. */
  times: Record<string, string[]>;
}

/**
 * Reads every schedule's cron in a fresh node process (so luxon has learned nothing yet), with
 * pg-boss's own cron-parser from a fixed date, after `pinCronDefaults` or without it, and under
 * the given system zone: what pg-boss would compute there.
 */
function readCrons({ pinned, tz }: { pinned: boolean; tz: string }): CronReading {
  const module = pathToFileURL(join(root, "src/jobs/pin-cron-defaults.ts")).href;
  const script = `
    import { createRequire } from "node:module";
    let intlFormats = 0;
    const Original = Intl.DateTimeFormat;
    Intl.DateTimeFormat = new Proxy(Original, { construct(target, args) { intlFormats += 1; return new target(...args); } });
    if (${pinned}) (await import(${JSON.stringify(module)})).pinCronDefaults();
    const fromPgBoss = createRequire(createRequire(${JSON.stringify(pathToFileURL(join(root, "package.json")).href)}).resolve("pg-boss"));
    const cronParser = fromPgBoss("cron-parser");
    for (const cron of ${JSON.stringify(scheduledTasks.map((task) => task.cron))}) cronParser.parseExpression(cron, { tz: "UTC" }).prev();
    const times = {};
    for (const cron of ${JSON.stringify(scheduledTasks.map((task) => task.cron))}) {
      const interval = cronParser.parseExpression(cron, { tz: "UTC", currentDate: new Date("2026-03-29T00:30:00Z") });
      times[cron] = Array.from({ length: 6 }, () => interval.next().toISOString());
    }
    process.stdout.write(JSON.stringify({ intlFormats, times }));
  `;
  const output = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", TZ: tz },
  });
  return JSON.parse(output) as CronReading;
}

describe("pinCronDefaults", () => {
  it("pg-boss's cron reader computes the same times for every schedule, and no longer asks Intl for the system's zone and locale", () => {
    for (const tz of ["UTC", "Europe/Berlin", "America/Los_Angeles"]) {
      const plain = readCrons({ pinned: false, tz });
      const pinned = readCrons({ pinned: true, tz });
      expect(plain.intlFormats).toBeGreaterThan(0);
      expect(pinned.intlFormats).toBe(0);
      expect(pinned.times).toEqual(plain.times);
      expect(Object.keys(pinned.times)).toHaveLength(new Set(scheduledTasks.map((task) => task.cron)).size);
    }
  });
});
