import { strToU8, zipSync } from "fflate";

/** What an artifact's producer knows about the run it is uploaded from. */
export interface ArtifactRunFacts {
  repository: string;
  runId: number;
  headSha: string;
}

export interface ArtifactContent {
  /**
   * Becomes `consumer_artifact.json` inside the zip; a function gets the run first (its id is
   * known only once the run exists), as a producer writing `source` would.
   */
  json?: unknown;
  /** Files to put in the zip, by path. */
  files?: Record<string, Uint8Array | string>;
  /** Exact zip bytes (for malformed or hostile archives). */
  zip?: Uint8Array;
}

/** The zip GitHub serves for an Actions artifact, built from JSON, files, or given as is. */
export function buildArtifactZip(content: ArtifactContent, run?: ArtifactRunFacts): Uint8Array {
  if (content.zip) return content.zip;
  const entries: Record<string, Uint8Array> = {};
  const json: unknown = typeof content.json === "function" ? (content.json as (run: ArtifactRunFacts | undefined) => unknown)(run) : content.json;
  if (json !== undefined) entries["consumer_artifact.json"] = strToU8(JSON.stringify(json));
  for (const [path, data] of Object.entries(content.files ?? {})) {
    entries[path] = typeof data === "string" ? strToU8(data) : data;
  }
  return zipSync(entries);
}
