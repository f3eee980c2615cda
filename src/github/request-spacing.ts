import Bottleneck from "bottleneck";

/**
 * Milliseconds plugin-throttling keeps between two requests of one installation, by kind. Its
 * defaults follow GitHub's guidance: writes 1,000, writes that notify people (issues, comments)
 * 3,000, searches 2,000. Production keeps them; tests shorten them to stay quick while running
 * the same throttling path.
 */
export interface RequestSpacing {
  writeMs: number;
  notificationMs: number;
  searchMs: number;
}

/** The limiter groups plugin-throttling takes in place of its own when given (`throttle.write` …). */
export interface SpacingGroups {
  write: Bottleneck.Group;
  notifications: Bottleneck.Group;
  search: Bottleneck.Group;
}

/**
 * Limiter groups with the given spacing, under the ids plugin-throttling uses, on `connection`
 * when there is one (Redis, `REDIS_URL`), so replicas still space their requests together.
 */
export function createSpacingGroups({
  spacing,
  connection,
  timeout = 2 * 60 * 1000,
}: {
  spacing: RequestSpacing;
  connection?: Bottleneck.IORedisConnection | Bottleneck.RedisConnection;
  /** How long Redis keeps an idle limiter's state (plugin-throttling's default, 2 minutes). */
  timeout?: number;
}): SpacingGroups {
  checkSpacing(spacing);
  const common = { maxConcurrent: 1, timeout, ...(connection ? { connection } : {}) };
  return {
    write: new Bottleneck.Group({ id: "octokit-write", minTime: spacing.writeMs, ...common }),
    notifications: new Bottleneck.Group({ id: "octokit-notifications", minTime: spacing.notificationMs, ...common }),
    search: new Bottleneck.Group({ id: "octokit-search", minTime: spacing.searchMs, ...common }),
  };
}

/** Throws a RangeError naming the field when a spacing is not a number of milliseconds from 0. */
export function checkSpacing(spacing: RequestSpacing): void {
  for (const [name, value] of Object.entries(spacing)) {
    if (!(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`spacing.${name} must be a number of milliseconds from 0 (got ${String(value)})`);
    }
  }
}
