export type RateResource = "core" | "search";

export interface RateLimitStatus {
  resource: RateResource;
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds at which the window resets. */
  reset: number;
}

export interface RateLimiterOptions {
  now: () => number;
  /** Primary limit per hour for installations and the app (GitHub: 5,000). */
  coreLimit: number;
  /** Primary limit per hour without authentication (GitHub: 60). */
  anonymousCoreLimit: number;
  /** Search requests per minute (GitHub: 30). */
  searchLimit: number;
  contentCreatingPerMinute: number;
  concurrent: number;
}

export interface RateLimiter {
  /** Counts one request in the caller's window; `ok: false` when the window is spent. */
  consume(key: string, resource: RateResource): { ok: boolean; status: RateLimitStatus };
  /**
   * Gives back a request `consume` counted: a conditional request answered `304 Not Modified`
   * does not count against the primary rate limit (GitHub's documented behaviour).
   */
  refund(key: string, resource: RateResource): RateLimitStatus;
  status(key: string, resource: RateResource): RateLimitStatus;
  /** Seconds to wait when a content-creating request would exceed the per-minute limit; records it otherwise. */
  admitContentCreating(key: string): number | undefined;
  /** Marks a request in flight; undefined when too many are. */
  acquire(key: string): (() => void) | undefined;
  /** Puts the caller's current window at `remaining` requests left, ending at `resetAt` (epoch ms). */
  arrange(key: string, resource: RateResource, window: { remaining: number; resetAt: number }): void;
}

interface Window {
  startedAt: number;
  used: number;
}

/** The limiter key of an installation's requests. */
export function installationLimiterKey(installationId: number): string {
  return `installation:${installationId}`;
}

const WINDOW_MS: Record<RateResource, number> = { core: 60 * 60 * 1000, search: 60 * 1000 };

/** GitHub's primary (per hour / per minute for search) and secondary (content creation, concurrency) limits. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windows = new Map<string, Window>();
  const contentCreated = new Map<string, number[]>();
  const inFlight = new Map<string, number>();

  const limitFor = (key: string, resource: RateResource): number =>
    resource === "search" ? options.searchLimit : key === "anonymous" ? options.anonymousCoreLimit : options.coreLimit;

  const windowFor = (key: string, resource: RateResource): Window => {
    const id = `${resource}:${key}`;
    const now = options.now();
    let window = windows.get(id);
    if (!window || now >= window.startedAt + WINDOW_MS[resource]) {
      window = { startedAt: now, used: 0 };
      windows.set(id, window);
    }
    return window;
  };

  const status = (key: string, resource: RateResource): RateLimitStatus => {
    const window = windowFor(key, resource);
    const limit = limitFor(key, resource);
    return {
      resource,
      limit,
      used: window.used,
      remaining: Math.max(0, limit - window.used),
      reset: Math.ceil((window.startedAt + WINDOW_MS[resource]) / 1000),
    };
  };

  return {
    status,
    consume(key, resource) {
      const window = windowFor(key, resource);
      if (window.used >= limitFor(key, resource)) return { ok: false, status: status(key, resource) };
      window.used += 1;
      return { ok: true, status: status(key, resource) };
    },
    refund(key, resource) {
      const window = windowFor(key, resource);
      window.used = Math.max(0, window.used - 1);
      return status(key, resource);
    },
    admitContentCreating(key) {
      const now = options.now();
      const recent = (contentCreated.get(key) ?? []).filter((at) => at > now - 60_000);
      contentCreated.set(key, recent);
      const oldest = recent[0];
      if (recent.length >= options.contentCreatingPerMinute && oldest !== undefined) {
        return Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000));
      }
      recent.push(now);
      return undefined;
    },
    arrange(key, resource, { remaining, resetAt }) {
      const limit = limitFor(key, resource);
      if (!Number.isInteger(remaining) || remaining < 0 || remaining > limit) throw new RangeError(`remaining must be a whole number from 0 to ${limit} (got ${remaining})`);
      const now = options.now();
      if (!(resetAt > now && resetAt <= now + WINDOW_MS[resource])) {
        throw new RangeError(`resetAt must lie within the ${resource} window that starts now (got ${new Date(resetAt).toISOString()})`);
      }
      windows.set(`${resource}:${key}`, { startedAt: resetAt - WINDOW_MS[resource], used: limit - remaining });
    },
    acquire(key) {
      const current = inFlight.get(key) ?? 0;
      if (current >= options.concurrent) return undefined;
      inFlight.set(key, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
      };
    },
  };
}
