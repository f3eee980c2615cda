import { strToU8, zipSync } from "fflate";

export interface ArtifactContent {
  /** Becomes `consumer_artifact.json` inside the zip. */
  json?: unknown;
  /** Files to put in the zip, by path. */
  files?: Record<string, Uint8Array | string>;
  /** Exact zip bytes (for malformed or hostile archives). */
  zip?: Uint8Array;
}

/** The zip GitHub serves for an Actions artifact, built from JSON, files, or given as is. */
export function buildArtifactZip(content: ArtifactContent): Uint8Array {
  if (content.zip) return content.zip;
  const entries: Record<string, Uint8Array> = {};
  if (content.json !== undefined) entries["consumer_artifact.json"] = strToU8(JSON.stringify(content.json));
  for (const [path, data] of Object.entries(content.files ?? {})) {
    entries[path] = typeof data === "string" ? strToU8(data) : data;
  }
  return zipSync(entries);
}
