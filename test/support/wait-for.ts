/**
 * Polls `probe` until it answers something other than `undefined`, and returns that; throws
 * naming `what` after `timeoutMs` (a bound on a hang, not a performance threshold).
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls `check` until it holds; throws after `timeoutMs` (a bound on a hang, not a performance threshold). */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  await waitFor("a condition to hold", async () => ((await check()) ? true : undefined), timeoutMs, intervalMs);
}
