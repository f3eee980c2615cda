import { loadGarbageCollector, type GarbageCollector } from "../memory/load-garbage-collector.js";

/** A downloaded zip at least this large leaves enough garbage behind its check to collect it. */
export const LARGE_ARTIFACT_ZIP_BYTES = 1024 * 1024;

let collector: GarbageCollector | undefined;

/**
 * Runs one full garbage collection after a large artifact was checked, before its digest is
 * built. The check leaves tens of megabytes behind it (the downloaded zip, the decompressed
 * pieces, the parse's scraps) that V8 would otherwise collect only once its old generation
 * fills again; collected here, the digest's state (about as large again as the hits) reuses
 * that memory instead of growing the process past it. Smaller zips cost nothing: no
 * collection runs. Returns whether one did.
 *
 * The caller must hold no reference to the zip any more (see `downloadCheckedArtifact`).
 */
export function releaseArtifactGarbage({ zipBytes, collect }: { zipBytes: number; collect?: GarbageCollector }): boolean {
  if (zipBytes < LARGE_ARTIFACT_ZIP_BYTES) return false;
  (collect ?? (collector ??= loadGarbageCollector()))();
  return true;
}
