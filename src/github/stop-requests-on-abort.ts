import type { InstallationOctokit } from "./installation-octokit.js";

/**
 * Ties every request of `octokit` to `signal`, so work that was stopped writes nothing more to
 * GitHub: once it aborts, a request not yet sent (its turn in the write spacing included) fails
 * at once with the signal's reason, one under way is cut off (its body too), and none is
 * retried in place. Meant for the Octokit of one job run, which no other work shares.
 */
export function stopRequestsOnAbort(octokit: InstallationOctokit, signal: AbortSignal): void {
  octokit.hook.wrap("request", async (request, options) => {
    signal.throwIfAborted();
    // The hooks inside this one (plugin-retry's, the fetch) are bound to these options, not to
    // what is passed on, so the signal goes on them; on the stop, so does a limit of no retries.
    options.request = { ...options.request, signal };
    const noRetries = () => (options.request = { ...options.request, retries: 0 } as typeof options.request);
    signal.addEventListener("abort", noRetries, { once: true });
    try {
      return await request(options);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw error;
    } finally {
      signal.removeEventListener("abort", noRetries);
    }
  });
}
