/**
 * Bounds applied to an artifact before and while it is parsed. Every field has a
 * default and an allowed range; repository config may tighten or loosen a limit,
 * but only within the range.
 */
export interface ArtifactLimits {
  /** Largest accepted artifact file, in bytes (after unzipping). */
  readonly maxBytes: number;
  /** Deepest accepted nesting of arrays and objects (the top-level object is depth 1). */
  readonly maxDepth: number;
  /** Longest accepted string (value or key), in UTF-16 code units. */
  readonly maxStringLength: number;
  /** Most entries accepted in `org_unregistered_hits`. */
  readonly maxHits: number;
  /** Largest accepted zip archive, in bytes. */
  readonly maxZipBytes: number;
  /** Most entries (files and folders) accepted in the zip archive. */
  readonly maxZipEntries: number;
  /** Largest accepted sum of the uncompressed sizes of all archive entries, in bytes. */
  readonly maxUncompressedBytes: number;
  /** Largest accepted ratio of uncompressed to compressed size of the artifact entry. */
  readonly maxCompressionRatio: number;
}

const MB = 1024 * 1024;

export const DEFAULT_ARTIFACT_LIMITS: ArtifactLimits = Object.freeze({
  maxBytes: 50 * MB,
  maxDepth: 64,
  maxStringLength: 65_536,
  maxHits: 100_000,
  maxZipBytes: 50 * MB,
  maxZipEntries: 1_000,
  maxUncompressedBytes: 100 * MB,
  maxCompressionRatio: 200,
});

/** Allowed range of each limit (inclusive); config values outside are rejected. */
export const ARTIFACT_LIMIT_BOUNDS: Readonly<Record<keyof ArtifactLimits, { min: number; max: number }>> =
  Object.freeze({
    maxBytes: { min: 1_024, max: 200 * MB },
    maxDepth: { min: 8, max: 256 },
    maxStringLength: { min: 2_048, max: 10 * MB },
    maxHits: { min: 1, max: 1_000_000 },
    maxZipBytes: { min: 1_024, max: 200 * MB },
    maxZipEntries: { min: 1, max: 100_000 },
    maxUncompressedBytes: { min: 1_024, max: 1_024 * MB },
    maxCompressionRatio: { min: 10, max: 10_000 },
  });

/** The name users see for each limit (as spelled under `limits:` in the config file). */
export const ARTIFACT_LIMIT_NAMES = Object.freeze({
  maxBytes: "max_bytes",
  maxDepth: "max_depth",
  maxStringLength: "max_string_length",
  maxHits: "max_hits",
  maxZipBytes: "max_zip_bytes",
  maxZipEntries: "max_zip_entries",
  maxUncompressedBytes: "max_uncompressed_bytes",
  maxCompressionRatio: "max_compression_ratio",
} as const satisfies Record<keyof ArtifactLimits, string>);

/** Fills missing limits with the defaults. */
export function resolveArtifactLimits(partial: Partial<ArtifactLimits> = {}): ArtifactLimits {
  const resolved: Record<string, number> = { ...DEFAULT_ARTIFACT_LIMITS };
  for (const [key, value] of Object.entries(partial)) {
    if (typeof value === "number") resolved[key] = value;
  }
  return resolved as unknown as ArtifactLimits;
}
