import { classifyGitHubError } from "./classify-github-error.js";

/** Creates tried in one call before the failure is given back (the job is then retried by the queue). */
export const CREATE_ATTEMPTS = 3;

/**
 * Creates something on GitHub (an issue, a comment, a check run, a check run's batch of
 * annotations) at most once, although a
 * failed create may have been carried out: GitHub can answer 5xx, or the connection can drop or
 * time out, after it wrote. So a create is never repeated blindly: after such a failure `find`
 * looks for what the create would have made (by label and marker, by `external_id`), and what
 * it finds is taken as created; only when nothing is there is the create sent again, up to
 * `attempts` creates in all. Any other failure (a rate limit, a refusal) means nothing was
 * written and is thrown at once, as is the last failure when every attempt failed.
 *
 * The app's Octokit does not retry these creates by itself (see `noBlindRetries`), so this is
 * the only place they are repeated.
 */
export async function createOnce<T>({
  create,
  find,
  attempts = CREATE_ATTEMPTS,
}: {
  create: () => Promise<T>;
  /** What an earlier `create` made, when it was carried out; undefined when it was not. */
  find: () => Promise<T | undefined>;
  attempts?: number;
}): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await create();
    } catch (error) {
      if (!mayHaveBeenCarriedOut(error)) throw error;
      const found = await find();
      if (found !== undefined) return found;
      if (attempt >= attempts) throw error;
    }
  }
}

/**
 * A failure after which GitHub may still have done what was asked: a 5xx, a network failure
 * or a timeout (Octokit reports both as a 500). A 4xx, rate limits included, is answered before
 * anything is written.
 */
export function mayHaveBeenCarriedOut(error: unknown): boolean {
  return classifyGitHubError(error).kind === "transient";
}
