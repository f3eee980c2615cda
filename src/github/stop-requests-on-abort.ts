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
    // The hooks inside this one (plugin-retry's among them) read these options when a request fails.
    const requestOptions: Record<string, unknown> = { ...options.request, signal };
    const noRetries = () => (requestOptions.retries = 0);
    signal.addEventListener("abort", noRetries, { once: true });
    try {
      return await request({ ...options, request: requestOptions });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw error;
    } finally {
      signal.removeEventListener("abort", noRetries);
    }
  });
}
