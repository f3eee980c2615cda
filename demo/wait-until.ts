/** Polls `probe` until it gives a value; fails naming `what` after `timeoutMs`. */
export async function waitUntil<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`The demo waited ${Math.round(timeoutMs / 1000)} s for ${what}, in vain`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
