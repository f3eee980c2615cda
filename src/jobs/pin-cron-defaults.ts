import { createRequire } from "node:module";

interface LuxonSettings {
  defaultZone: unknown;
  defaultLocale: string;
}

/**
 * Gives the luxon that reads pg-boss's cron schedules (through cron-parser) a default zone and
 * locale of its own (UTC, en-US) instead of the system's.
 *
 * cron-parser starts every date it builds from luxon's `DateTime.local()` and compares its zone
 * with the schedule's; luxon learns the system's zone and locale from
 * `Intl.DateTimeFormat().resolvedOptions()`, which pages in ICU's locale and time zone data:
 * about 8 MB resident for the life of the process, paid at start-up (pg-boss checks each
 * schedule when it is registered) and by pg-boss's cron monitor. pg-boss always hands
 * cron-parser the schedule's zone (`JobQueue.schedule` registers every schedule in UTC, which is
 * also pg-boss's default), and cron-parser moves the date into it, so the default zone is never
 * the one a schedule is read in: the times stay the same. The luxon set is the one cron-parser
 * resolves from pg-boss, which a missing package makes fail here, at start-up.
 */
export function pinCronDefaults(): void {
  const fromPgBoss = createRequire(createRequire(import.meta.url).resolve("pg-boss"));
  const fromCronParser = createRequire(fromPgBoss.resolve("cron-parser"));
  const { Settings } = fromCronParser("luxon") as { Settings: LuxonSettings };
  Settings.defaultZone = "utc";
  Settings.defaultLocale = "en-US";
}
