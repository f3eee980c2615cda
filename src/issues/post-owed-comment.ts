import { createOnce } from "../github/create-once.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";

/**
 * A comment an issue update owes people (new findings, all resolved). It is saved with the
 * update that calls for it and cleared once posted, so a post that fails is retried by the
 * next attempt instead of being lost.
 */
export interface OwedComment {
  /** Hidden marker in the body: finding it among the issue's comments means it was posted. */
  marker: string;
  body: string;
  /** When it was saved: only comments since then can be it. */
  savedAt: string;
}

/** The comment an issue update owes, with the hidden marker that lets a retry tell whether it was already posted. */
export function owedComment({ kind, contentSha256, body }: { kind: string; contentSha256: string; body: string }): OwedComment {
  const marker = `<!-- audit-digest:comment ${kind} ${contentSha256.slice(0, 16)} -->`;
  return { marker, body: `${body}\n\n${marker}`, savedAt: new Date().toISOString() };
}

/**
 * Posts an owed comment once. Unless it was saved just now (`fresh`), the issue's comments since
 * it was saved are read first: one that carries its marker means an earlier attempt posted it
 * before failing, and nothing is posted again. A post that fails as one GitHub may have carried
 * out (a 5xx, a dropped connection) is looked for the same way before it is sent again.
 */
export async function postOwedComment({
  octokit,
  repository,
  issueNumber,
  comment,
  fresh = false,
}: {
  octokit: InstallationOctokit;
  repository: string;
  issueNumber: number;
  comment: OwedComment;
  fresh?: boolean;
}): Promise<void> {
  const [owner, repo] = repository.split("/") as [string, string];
  const findPosted = async (): Promise<true | undefined> => {
    const since = new Date(Date.parse(comment.savedAt) - 60_000).toISOString(); // GitHub keeps whole seconds
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, since, per_page: 100 });
    return comments.some((existing) => existing.body?.includes(comment.marker) === true) ? true : undefined;
  };
  if (!fresh && (await findPosted())) return;
  await createOnce({
    create: async () => {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body: comment.body });
      return true;
    },
    find: findPosted,
  });
}
