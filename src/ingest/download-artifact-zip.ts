import { classifyGitHubError } from "../github/classify-github-error.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";

export type DownloadResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: "expired" }
  | { ok: false; reason: "too_large"; message: string };

/**
 * Downloads an artifact's zip, reading the body as a stream and stopping once `maxBytes` is
 * passed, so a lying `size_in_bytes` cannot make the worker buffer an unbounded body. An
 * expired artifact (410) is a result, not an error: retrying cannot bring it back.
 */
export async function downloadArtifactZip({
  octokit,
  owner,
  repo,
  artifactId,
  maxBytes,
}: {
  octokit: InstallationOctokit;
  owner: string;
  repo: string;
  artifactId: number;
  maxBytes: number;
}): Promise<DownloadResult> {
  let body: unknown;
  try {
    const response = await octokit.request("GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}", {
      owner,
      repo,
      artifact_id: artifactId,
      archive_format: "zip",
      request: { parseSuccessResponseBody: false },
    });
    body = response.data;
  } catch (error) {
    const failure = classifyGitHubError(error);
    if (failure.kind === "not-found" && failure.status === 410) return { ok: false, reason: "expired" };
    throw error;
  }
  const tooLarge = {
    ok: false as const,
    reason: "too_large" as const,
    message: `artifact zip is larger than the limit max_zip_bytes (${maxBytes} bytes)`,
  };
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    return bytes.byteLength > maxBytes ? tooLarge : { ok: true, bytes };
  }
  if (!(body instanceof ReadableStream)) throw new Error("artifact download returned no body");
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return tooLarge;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}
