import { crc32 } from "node:zlib";
import type { UnzipFile } from "fflate";
import { Unzip, UnzipInflate } from "fflate";
import type { ArtifactError } from "./artifact-error.js";
import type { ArtifactLimits } from "./artifact-limits.js";
import { resolveArtifactLimits } from "./artifact-limits.js";
import { readZipDirectory, type ZipDirectoryEntry } from "./read-zip-directory.js";
import { zipEntryNameProblem } from "./zip-entry-name-problem.js";

/** The file the producer puts at the root of the uploaded artifact. */
export const ARTIFACT_FILE_NAME = "consumer_artifact.json";

export interface ExtractStats {
  /** Archive entries seen. */
  entries: number;
  /** Bytes decompressed from the artifact entry (stops soon after a cap is exceeded). */
  bytesInflated: number;
}

export type ExtractArtifactResult =
  | { ok: true; bytes: Uint8Array; stats: ExtractStats }
  | { ok: false; error: ArtifactError; stats: ExtractStats };

export interface ExtractArtifactOptions {
  readonly limits?: Partial<ArtifactLimits>;
  /**
   * Compressed bytes fed to the decompressor at a time near the caps, which bounds how far one
   * step can go past them (default 4 KiB, at most about 4 MB inflated); while the caps leave room
   * for a larger step's worst expansion, up to 32 KiB are fed at once.
   */
  readonly chunkSize?: number;
}

/** Below this many inflated bytes the compression ratio is not judged (small files compress oddly). */
const RATIO_FLOOR_BYTES = 1024 * 1024;

/** Deflate's largest expansion: a 258-byte match coded in 2 bits. */
const MAX_DEFLATE_RATIO = 1032;

/**
 * The largest step of compressed bytes. Each step costs the decompressor a copy of its 32 KiB
 * window and a fresh output buffer, whatever its size: 4 KiB steps allocate about six times the
 * inflated bytes, short-lived buffers that the heap frees only at its next collections.
 */
const MAX_STEP_BYTES = 32 * 1024;

const quote = (name: string): string => JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);

/**
 * Finds `consumer_artifact.json` at the root of a zip archive and returns its bytes.
 * Refuses archives with unsafe entry names, too many entries, too large declared or
 * actual sizes, a suspicious compression ratio, or a central directory that contradicts the
 * entries (see `directoryDisagreement`). Decompression is streamed in small
 * steps and stops as soon as a cap is exceeded, so a zip bomb never expands in memory.
 */
export function extractArtifactJson(zip: Uint8Array, options: ExtractArtifactOptions = {}): ExtractArtifactResult {
  const chunks: Uint8Array[] = [];
  const streamed = streamArtifactJson(zip, (chunk) => chunks.push(chunk), options);
  if (!streamed.ok) return streamed;
  const bytes = new Uint8Array(streamed.stats.bytesInflated);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, bytes, stats: streamed.stats };
}

export type StreamArtifactResult = { ok: true; stats: ExtractStats } | { ok: false; error: ArtifactError; stats: ExtractStats };

/**
 * The same checks and errors as `extractArtifactJson`, but the artifact's bytes are handed to
 * `onData` as they are decompressed, chunk by chunk and in order, instead of being gathered:
 * a caller that consumes them at once never holds the whole file. A chunk is handed over only
 * once the caps have been checked for it; after a failure no more are, so a caller must
 * discard what it received when the result is not ok.
 */
export function streamArtifactJson(zip: Uint8Array, onData: (chunk: Uint8Array) => void, options: ExtractArtifactOptions = {}): StreamArtifactResult {
  const limits = resolveArtifactLimits(options.limits);
  const chunkSize = Math.max(512, options.chunkSize ?? 4096);
  const stats: ExtractStats = { entries: 0, bytesInflated: 0 };
  const failWith = (code: ArtifactError["code"], message: string): StreamArtifactResult => ({
    ok: false,
    error: { path: "", code, message },
    stats,
  });

  if (zip.byteLength > limits.maxZipBytes) {
    return failWith(
      "zip_too_large",
      `archive is ${zip.byteLength} bytes, more than the limit max_zip_bytes (${limits.maxZipBytes} bytes)`,
    );
  }
  if (zip.byteLength < 4 || zip[0] !== 0x50 || zip[1] !== 0x4b) return failWith("zip_invalid", "not a zip archive");
  // The central directory at the end says what other tools show; the unzip below reads the
  // entries' own headers, which do not carry the Unix mode.
  const directory = readZipDirectory(zip, limits.maxZipEntries);
  const symlink = directory?.find((entry) => entry.symlink);
  if (symlink !== undefined) return failWith("zip_unsafe_entry", `archive entry ${quote(symlink.name)} is refused: symbolic link`);

  let failure: { code: ArtifactError["code"]; message: string } | undefined;
  const names: string[] = [];
  let declaredTotal = 0;
  let found = false;
  let finished = false;
  let checksum = 0;

  const onArtifactFile = (file: UnzipFile): void => {
    if (found) {
      failure = { code: "zip_duplicate_artifact", message: `archive contains ${ARTIFACT_FILE_NAME} more than once` };
      return;
    }
    found = true;
    if (file.originalSize !== undefined && file.originalSize > limits.maxBytes) {
      failure = {
        code: "too_large",
        message: `${ARTIFACT_FILE_NAME} declares ${file.originalSize} bytes, more than the limit max_bytes (${limits.maxBytes} bytes)`,
      };
      return;
    }
    const compressedSize = file.size !== undefined && file.size > 0 ? file.size : zip.byteLength;
    file.ondata = (error, data, final) => {
      if (failure !== undefined) return;
      if (error) {
        failure = { code: "zip_invalid", message: `could not decompress ${ARTIFACT_FILE_NAME}: ${error.message}` };
        return;
      }
      stats.bytesInflated += data.byteLength;
      if (stats.bytesInflated > limits.maxBytes) {
        failure = {
          code: "too_large",
          message: `${ARTIFACT_FILE_NAME} expands to more than the limit max_bytes (${limits.maxBytes} bytes)`,
        };
      } else if (declaredTotal + stats.bytesInflated > limits.maxUncompressedBytes) {
        failure = {
          code: "zip_uncompressed_too_large",
          message: `archive expands to more than the limit max_uncompressed_bytes (${limits.maxUncompressedBytes} bytes)`,
        };
      } else if (
        stats.bytesInflated > RATIO_FLOOR_BYTES &&
        stats.bytesInflated / compressedSize > limits.maxCompressionRatio
      ) {
        failure = {
          code: "zip_ratio",
          message: `${ARTIFACT_FILE_NAME} expands more than the limit max_compression_ratio (${limits.maxCompressionRatio}:1) allows; refusing a possible zip bomb`,
        };
      }
      if (failure !== undefined) {
        file.terminate();
        return;
      }
      checksum = crc32(data, checksum);
      onData(data);
      if (final) finished = true;
    };
    file.start();
  };

  const unzip = new Unzip((file) => {
    if (failure !== undefined) return;
    stats.entries++;
    if (stats.entries > limits.maxZipEntries) {
      failure = { code: "zip_too_many_entries", message: `archive has more entries than the limit max_zip_entries (${limits.maxZipEntries})` };
      return;
    }
    const problem = zipEntryNameProblem(file.name);
    if (problem !== undefined) {
      failure = { code: "zip_unsafe_entry", message: `archive entry ${quote(file.name)} is refused: ${problem}` };
      return;
    }
    names.push(file.name);
    if (file.originalSize !== undefined && file.name !== ARTIFACT_FILE_NAME) {
      declaredTotal += file.originalSize;
      if (declaredTotal > limits.maxUncompressedBytes) {
        failure = {
          code: "zip_uncompressed_too_large",
          message: `archive entries declare more than the limit max_uncompressed_bytes (${limits.maxUncompressedBytes} bytes)`,
        };
        return;
      }
    }
    if (file.name === ARTIFACT_FILE_NAME) onArtifactFile(file);
  });
  unzip.register(UnzipInflate);

  for (let offset = 0; offset < zip.byteLength && failure === undefined; ) {
    // A step larger than `chunkSize` is taken only while even its worst expansion stays within
    // the caps, so only a `chunkSize` step can go past one, as far as it could with every step that size.
    const room = Math.min(limits.maxBytes - stats.bytesInflated, limits.maxUncompressedBytes - declaredTotal - stats.bytesInflated);
    const step = Math.max(chunkSize, Math.min(MAX_STEP_BYTES, Math.floor(room / MAX_DEFLATE_RATIO)));
    const end = Math.min(offset + step, zip.byteLength);
    try {
      unzip.push(zip.subarray(offset, end), end === zip.byteLength);
    } catch (error) {
      failure = { code: "zip_invalid", message: `archive is damaged: ${error instanceof Error ? error.message : "unreadable"}` };
    }
    offset = end;
  }

  if (failure !== undefined) return failWith(failure.code, failure.message);
  if (!found) {
    const listed = names.slice(0, 10).map(quote).join(", ");
    return failWith(
      "zip_missing_artifact",
      `archive has no ${ARTIFACT_FILE_NAME} at its root` + (names.length > 0 ? ` (entries: ${listed}${names.length > 10 ? ", …" : ""})` : " (it is empty)"),
    );
  }
  if (!finished) return failWith("zip_invalid", `archive ends inside ${ARTIFACT_FILE_NAME}`);
  const disagreement = directoryDisagreement({ directory, names, checksum, bytesInflated: stats.bytesInflated, maxEntries: limits.maxZipEntries });
  if (disagreement !== undefined) return failWith("zip_invalid", disagreement);
  return { ok: true, stats };
}

/**
 * Where the archive's central directory contradicts what the unzip read: the entries' own
 * headers, in order, and the artifact's bytes. Tools that list and extract an archive by its
 * directory (`unzip`, a file manager, whoever downloads the artifact to look at it) would show such an archive
 * differently from what was checked: other entries, or other bytes under the artifact's name
 * (one way to build a zip bomb of overlapping entries, and one way to smuggle a document past
 * review). A damaged archive fails here too. Undefined when they agree.
 */
function directoryDisagreement({
  directory,
  names,
  checksum,
  bytesInflated,
  maxEntries,
}: {
  directory: readonly ZipDirectoryEntry[] | undefined;
  names: readonly string[];
  checksum: number;
  bytesInflated: number;
  maxEntries: number;
}): string | undefined {
  if (directory === undefined) return "archive has no readable central directory (the list of entries at its end): it is damaged or cut short";
  const listed = directory.length > maxEntries ? `more than ${maxEntries}` : String(directory.length);
  if (directory.length !== names.length) {
    return `archive holds ${names.length} ${names.length === 1 ? "entry" : "entries"} but its central directory lists ${listed}`;
  }
  const differs = names.findIndex((name, i) => directory[i]!.name !== name);
  if (differs >= 0) {
    return `archive entry ${differs + 1} is ${quote(names[differs]!)} but its central directory lists ${quote(directory[differs]!.name)} there`;
  }
  const artifact = directory.find((entry) => entry.name === ARTIFACT_FILE_NAME)!;
  if (artifact.crc32 !== checksum) return `${ARTIFACT_FILE_NAME} does not match the CRC-32 its archive records: the archive is damaged or was altered`;
  // A ZIP64 size (0xffffffff here) is not read; the limits keep real artifacts far below it.
  if (artifact.uncompressedSize !== 0xffffffff && artifact.uncompressedSize !== bytesInflated) {
    return `${ARTIFACT_FILE_NAME} expands to ${bytesInflated} bytes but its archive records ${artifact.uncompressedSize}`;
  }
  return undefined;
}
