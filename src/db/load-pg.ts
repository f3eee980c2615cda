import { createRequire } from "node:module";

/**
 * Loads `pg` before anything else of the app does (pg-boss and the PostgreSQL pool share this
 * one copy), so its check for Cloudflare Workers does not pull fetch's implementation into a
 * process that may never fetch.
 *
 * When it is loaded, `pg` asks whether it runs in a Cloudflare Worker: Node 21 and later answer
 * through `navigator.userAgent`; Node 20 has no `navigator`, so `pg` constructs a `Response`,
 * and the first touch of that global makes Node load undici (about 4 MB of resident memory,
 * its WebAssembly included) in every process, needed or not. While `pg` loads, `Response` is
 * hidden, so the check answers "not Cloudflare" as it does on later Node versions; the global
 * is put back as it was (still loaded on first use), and Octokit's first request loads undici
 * when a process really fetches. A `ROLE=web` process on PostgreSQL never does.
 *
 * Import this module first in an entry point: ES modules are evaluated in the order they are
 * imported, and `pg` is loaded once per process.
 */
function loadPg(): void {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "Response");
  const hide = descriptor?.configurable === true;
  if (hide) Object.defineProperty(globalThis, "Response", { value: undefined, configurable: true, writable: true });
  try {
    createRequire(import.meta.url)("pg");
  } finally {
    if (hide) Object.defineProperty(globalThis, "Response", descriptor);
  }
}

loadPg();
