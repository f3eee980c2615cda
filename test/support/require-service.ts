/**
 * A service some tests need (real PostgreSQL, Redis, a browser) and whether those tests run.
 * Outside CI they run only when the service is configured. With `CI=true` they always run, and
 * a missing service fails them with a message naming what to set: CI must never pass by
 * skipping them.
 */
export interface RequiredService {
  /** e.g. "Redis (TEST_REDIS_URL)". */
  name: string;
  /** The configured value (a URL, a path), or undefined. */
  value: string | undefined;
  /** Whether the tests that need the service run in this run: configured, or `CI=true`. */
  runs: boolean;
  /** The configured value; throws when it is missing (which only happens with `CI=true`, or when `runs` was not looked at). */
  require(): string;
}

export function requireService({ name, value, hint }: { name: string; value: string | undefined; hint: string }): RequiredService {
  const inCi = process.env.CI === "true";
  return {
    name,
    value,
    runs: value !== undefined || inCi,
    require() {
      if (value !== undefined) return value;
      throw new Error(
        inCi
          ? `CI=true but ${name} is missing: the tests that need it cannot be skipped in CI (${hint})`
          : `${name} is missing (${hint})`,
      );
    },
  };
}
