import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/**
 * One measurement of the artifact memory benchmark, run in a process of its own (forked by
 * bench/artifact-memory.ts) so its peak resident set (VmHWM) is its own. Each mode loads only
 * what it runs: the baseline nothing but node, the ingest the app's download, gate and digest
 * modules (and Probot's Octokit), as a worker process has them, and not the test harness or the
 * simulator the parent uses to build the artifact.
 *
 * Arguments: `ingest <zip file>` or `json-parse <json file>`; the ingest's HMAC keys arrive in
 * AUDIT_HMAC_KEYS. Sends `{ peakRss, hits }` to the parent.
 */

export interface ArtifactMemoryReport {
  /** VmHWM: the process's peak resident set, in bytes. */
  peakRss: number;
  hits: number;
}

/** The run the bench's artifact names as its source. */
export const ARTIFACT_ORIGIN = { repository: "acme/app", headSha: "a".repeat(40), runId: 1 };
/** Chunks the download stream hands out, as a socket would. */
const DOWNLOAD_CHUNK = 64 * 1024;

async function peakResidentSet(): Promise<number> {
  const status = await readFile("/proc/self/status", "utf8");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/**
 * The bytes' way through an ingest, by the functions `ingestRun` and `upsertDigest` call: the
 * download read as a stream (through Octokit, with a fetch that serves the zip in socket-sized
 * chunks) and the gate (safe unzip, size and depth checks, parse, long strings, schema, unknown
 * fields, signature, provenance, fingerprints) in `downloadCheckedArtifact`, the collection a
 * large artifact's check is followed by, then the digest's content hash and its next state
 * (secret scrubbing and the diff; the first ingest, with nothing stored).
 */
async function ingest(zipFile: string): Promise<ArtifactMemoryReport> {
  const [{ ProbotOctokit }, { DEFAULT_ARTIFACT_LIMITS }, { parseHmacKeys }, { digestContentSha256, nextDigestState }, { downloadCheckedArtifact }, { releaseArtifactGarbage }] =
    await Promise.all([
      import("probot"),
      import("../../src/artifact/artifact-limits.js"),
      import("../../src/artifact/parse-hmac-keys.js"),
      import("../../src/digest/next-digest-state.js"),
      import("../../src/ingest/download-checked-artifact.js"),
      import("../../src/ingest/release-artifact-garbage.js"),
    ]);
  let zipBytes: Uint8Array | undefined = new Uint8Array(await readFile(zipFile));
  const fetch = (): Promise<Response> => {
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (zipBytes === undefined || offset >= zipBytes.byteLength) {
          // The whole file was sent: the server's copy is gone, as it would be.
          zipBytes = undefined;
          return controller.close();
        }
        controller.enqueue(zipBytes.slice(offset, offset + DOWNLOAD_CHUNK));
        offset += DOWNLOAD_CHUNK;
      },
    });
    return Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "application/zip" } }));
  };
  const keys = parseHmacKeys(process.env.AUDIT_HMAC_KEYS ?? "");
  if (!keys.ok) throw new Error(keys.errors.join("; "));
  const download = await downloadCheckedArtifact({
    octokit: new ProbotOctokit({ request: { fetch } }),
    owner: "acme",
    repo: "app",
    artifactId: 1,
    limits: DEFAULT_ARTIFACT_LIMITS,
    keys: keys.keys,
    requireSignature: true,
    origin: ARTIFACT_ORIGIN,
    now: new Date(),
  });
  if (!download.ok) throw new Error(`download refused: ${download.reason}`);
  releaseArtifactGarbage({ zipBytes: download.zipBytes });
  const checked = download.checked;
  if (checked.verdict !== "valid") throw new Error(`bench artifact refused: ${JSON.stringify(checked).slice(0, 300)}`);
  const contentSha256 = digestContentSha256(checked.artifact);
  const state = nextDigestState({ artifact: checked.artifact, hits: checked.hits, previous: [], suppressions: [], now: new Date() });
  if (contentSha256.length !== 64 || state.rows.length === 0) throw new Error("ingest produced nothing");
  return { peakRss: await peakResidentSet(), hits: state.rows.length };
}

/** The baseline: UTF-8 decoding and `JSON.parse` of the same artifact's bytes, read from disk. */
async function jsonParse(jsonFile: string): Promise<ArtifactMemoryReport> {
  const bytes = await readFile(jsonFile);
  const document = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as { org_unregistered_hits: unknown[] };
  return { peakRss: await peakResidentSet(), hits: document.org_unregistered_hits.length };
}

const [mode, file] = process.argv.slice(2);
if (process.argv[1] === fileURLToPath(import.meta.url) && (mode === "ingest" || mode === "json-parse") && file) {
  const report = await (mode === "ingest" ? ingest(file) : jsonParse(file));
  process.send?.(report);
}
