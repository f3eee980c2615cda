/**
 * How long the app's Octokit may wait inside one request before it gives the failure back to
 * the job (which then defers itself or fails and is retried by the queue). Waiting in place
 * holds the job's locks and database connection, so it stays short and bounded.
 */
export interface InPlaceRetryLimits {
  /** Retries after a secondary rate limit, each after its `retry-after`. */
  secondaryRateLimitRetries: number;
  /** Longest `retry-after` (seconds) waited in place; a longer one defers the job instead. */
  maxRetryAfterInPlaceSeconds: number;
  /**
   * Retries of a 5xx or network failure (plugin-retry waits 1, 4, 9, … seconds: the attempt
   * squared). Creates are never retried here: GitHub may have carried one out before failing,
   * so its caller looks first (`noBlindRetries`, `createOnce`).
   */
  serverErrorRetries: number;
}

export const defaultInPlaceRetryLimits: InPlaceRetryLimits = {
  secondaryRateLimitRetries: 3,
  maxRetryAfterInPlaceSeconds: 60,
  serverErrorRetries: 3,
};

const MAX_RETRIES = 10;

/** The defaults with `given` over them; a value out of range is an error naming the option. */
export function resolveInPlaceRetryLimits(given: Partial<InPlaceRetryLimits> = {}): InPlaceRetryLimits {
  const limits: InPlaceRetryLimits = {
    secondaryRateLimitRetries: given.secondaryRateLimitRetries ?? defaultInPlaceRetryLimits.secondaryRateLimitRetries,
    maxRetryAfterInPlaceSeconds: given.maxRetryAfterInPlaceSeconds ?? defaultInPlaceRetryLimits.maxRetryAfterInPlaceSeconds,
    serverErrorRetries: given.serverErrorRetries ?? defaultInPlaceRetryLimits.serverErrorRetries,
  };
  for (const name of ["secondaryRateLimitRetries", "serverErrorRetries"] as const) {
    const value = limits[name];
    if (!Number.isInteger(value) || value < 0 || value > MAX_RETRIES) {
      throw new RangeError(`${name} must be a whole number from 0 to ${MAX_RETRIES} (got ${value})`);
    }
  }
  const wait = limits.maxRetryAfterInPlaceSeconds;
  if (!Number.isFinite(wait) || wait <= 0) {
    throw new RangeError(`maxRetryAfterInPlaceSeconds must be a number of seconds above 0 (got ${wait})`);
  }
  return limits;
}

/**
 * The longest one request can wait in place, in seconds: every secondary-limit retry at the
 * longest `retry-after`, plus plugin-retry's backoff for every 5xx retry. plugin-retry squares
 * the request's retry count, which the throttling plugin's retries also raise, so each of its
 * waits is at most the larger retry count squared.
 */
export function longestInPlaceWaitSeconds(limits: InPlaceRetryLimits = defaultInPlaceRetryLimits): number {
  const secondary = limits.secondaryRateLimitRetries * limits.maxRetryAfterInPlaceSeconds;
  const largestCount = Math.max(limits.secondaryRateLimitRetries, limits.serverErrorRetries);
  return secondary + limits.serverErrorRetries * largestCount ** 2;
}
