import type { ArtifactLimits } from "../artifact/artifact-limits.js";
import type { ArtifactOrigin } from "../artifact/check-provenance.js";
import { checkArtifact, type CheckedArtifact } from "../artifact/check-artifact.js";
import type { HmacKey } from "../artifact/parse-hmac-keys.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";
import { downloadArtifactZip, type DownloadResult } from "./download-artifact-zip.js";

export type DownloadCheckedResult =
  | { ok: true; checked: CheckedArtifact; /** Bytes of the zip as downloaded. */ zipBytes: number }
  | Exclude<DownloadResult, { ok: true }>;

/**
 * Downloads an artifact's zip (bounded by `limits.maxZipBytes`) and runs the gate on it
 * (`checkArtifact`). The zip is referenced only inside this call: once it returns, the
 * downloaded bytes are garbage, whatever the verdict, and nothing the caller keeps holds them.
 */
export async function downloadCheckedArtifact({
  octokit,
  owner,
  repo,
  artifactId,
  limits,
  keys,
  requireSignature,
  origin,
  now,
}: {
  octokit: InstallationOctokit;
  owner: string;
  repo: string;
  artifactId: number;
  limits: ArtifactLimits;
  keys: readonly HmacKey[];
  requireSignature: boolean;
  origin: ArtifactOrigin;
  now: Date;
}): Promise<DownloadCheckedResult> {
  const download = await downloadArtifactZip({ octokit, owner, repo, artifactId, maxBytes: limits.maxZipBytes });
  if (!download.ok) return download;
  const checked = checkArtifact({ zip: download.bytes, limits, keys, requireSignature, origin, now });
  return { ok: true, checked, zipBytes: download.bytes.byteLength };
}
