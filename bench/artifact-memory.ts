import { fork } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { zipSync } from "fflate";
import { ProbotOctokit } from "probot";
import { DEFAULT_ARTIFACT_LIMITS } from "../src/artifact/artifact-limits.js";
import { canonicalJsonSha256 } from "../src/artifact/canonical-json-sha256.js";
import { checkArtifact } from "../src/artifact/check-artifact.js";
import { parseHmacKeys } from "../src/artifact/parse-hmac-keys.js";
import { computeDigestState } from "../src/digest/compute-digest-state.js";
import { toDigestHits } from "../src/digest/to-digest-hits.js";
import { downloadArtifactZip } from "../src/ingest/download-artifact-zip.js";
import { HMAC_KEYS } from "../test/support/app-harness.js";
import { artifactFixture, signed } from "../test/support/artifact-fixtures.js";
import { formatCount, formatRatio, type BenchTable } from "./bench-table.js";
import { makeHits } from "./make-hits.js";

const MB = 1024 * 1024;
/** Just under the default max_bytes (50 MiB), at the default max_hits. */
const TARGET_BYTES = DEFAULT_ARTIFACT_LIMITS.maxBytes - 2 * MB;
const HITS = DEFAULT_ARTIFACT_LIMITS.maxHits;
const ORIGIN = { repository: "acme/app", headSha: "a".repeat(40), runId: 1 };
/** Chunks the download stream hands out, as a socket would. */
const DOWNLOAD_CHUNK = 64 * 1024;

interface ChildReport {
  /** VmHWM: the child's peak resident set, in bytes. */
  peakRss: number;
  hits: number;
}

/** Peak and current resident set of this process, from /proc/self/status (Linux), in bytes. */
async function residentSet(): Promise<{ peak: number; now: number }> {
  const status = await readFile("/proc/self/status", "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
  return { peak: kb("VmHWM"), now: kb("VmRSS") };
}

/**
 * A deterministic snippet of `length` characters that compresses like code does (a few to
 * one), not like a run of one letter (which the zip-bomb ratio check would refuse).
 */
function snippetText(seed: number, length: number): string {
  const words = ["const", "value", "=", "await", "client.get(", ");", "if", "return", "token", "config", "{", "}", "=>", "user", "id", "\n  "];
  let state = seed * 2_654_435_761 + 1;
  let text = "";
  while (text.length < length) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    text += state % 3 === 0 ? `${words[state % words.length]} ` : `${(state >>> 8).toString(36)} `;
  }
  return text.slice(0, length);
}

/** A signed artifact of `HITS` hits whose JSON is about `TARGET_BYTES`, with its zip. */
function makeLargeArtifact(): { json: Uint8Array; zip: Uint8Array } {
  const hits = makeHits(HITS);
  const base = new TextEncoder().encode(JSON.stringify(artifactFixture({ org_unregistered_hits: hits }))).byteLength;
  const extra = Math.max(0, Math.floor((TARGET_BYTES - base) / HITS));
  const snippetLength = Math.min(2_000, extra + 40);
  for (const [i, hit] of hits.entries()) hit.snippet = `${hit.snippet ?? ""} ${snippetText(i, snippetLength - 40)}`.slice(0, snippetLength);
  const document = signed(artifactFixture({ source: { repository: ORIGIN.repository, sha: ORIGIN.headSha, run_id: ORIGIN.runId }, org_unregistered_hits: hits }));
  const json = new TextEncoder().encode(JSON.stringify(document));
  return { json, zip: zipSync({ "consumer_artifact.json": json }, { level: 6 }) };
}

/**
 * The bytes' way through an ingest, as `ingestRun` and `upsertDigest` take it: the download
 * read as a stream (through Octokit, with a fetch that serves the zip in socket-sized chunks),
 * the gate (safe unzip, size and depth checks, parse, long strings, schema, unknown fields,
 * signature, provenance, fingerprints), the digest's hits (secret scrubbing) and content hash,
 * and the digest state (a pure function; the first ingest, with nothing stored).
 */
async function ingestChild(zipFile: string): Promise<ChildReport> {
  const zipBytes = new Uint8Array(await readFile(zipFile));
  const fetch = (): Promise<Response> => {
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= zipBytes.byteLength) return controller.close();
        controller.enqueue(zipBytes.slice(offset, offset + DOWNLOAD_CHUNK));
        offset += DOWNLOAD_CHUNK;
      },
    });
    return Promise.resolve(new Response(body, { status: 200, headers: { "content-type": "application/zip" } }));
  };
  const octokit = new ProbotOctokit({ request: { fetch } });
  const download = await downloadArtifactZip({ octokit, owner: "acme", repo: "app", artifactId: 1, maxBytes: DEFAULT_ARTIFACT_LIMITS.maxZipBytes });
  if (!download.ok) throw new Error(`download refused: ${download.reason}`);
  const keys = parseHmacKeys(HMAC_KEYS);
  if (!keys.ok) throw new Error(keys.errors.join("; "));
  const checked = checkArtifact({ zip: download.bytes, limits: DEFAULT_ARTIFACT_LIMITS, keys: keys.keys, requireSignature: true, origin: ORIGIN, now: new Date() });
  if (checked.verdict !== "valid") throw new Error(`bench artifact refused: ${JSON.stringify(checked).slice(0, 300)}`);
  const { signature: _signature, ...unsigned } = checked.artifact;
  const contentSha256 = canonicalJsonSha256(unsigned);
  const hits = toDigestHits(checked.artifact, checked.hits);
  const state = computeDigestState({ previous: [], hits, complete: checked.artifact.complete, now: new Date().toISOString(), generatedAt: checked.artifact.generated_at });
  if (contentSha256.length !== 64 || state.rows.length === 0) throw new Error("ingest produced nothing");
  return { peakRss: (await residentSet()).peak, hits: state.rows.length };
}

/** The baseline: UTF-8 decoding and `JSON.parse` of the same artifact's bytes, read from disk. */
async function jsonParseChild(jsonFile: string): Promise<ChildReport> {
  const bytes = await readFile(jsonFile);
  const document = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as { org_unregistered_hits: unknown[] };
  return { peakRss: (await residentSet()).peak, hits: document.org_unregistered_hits.length };
}

/** Runs one measurement in a fresh process of its own, so its peak resident set is its own. */
function runChild(mode: "ingest" | "json-parse", file: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [mode, file], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let report: ChildReport | undefined;
    child.on("message", (message) => (report = message as ChildReport));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 && report ? resolve(report) : reject(new Error(`${mode} measurement exited with code ${code}`))));
  });
}

/**
 * Peak resident memory of ingesting an artifact of nearly 50 MB (the default max_bytes) with
 * 100,000 hits, against the file's size and against a process that only decodes and
 * `JSON.parse`s the same bytes, each measured in a child process of its own (VmHWM).
 */
export async function benchArtifactMemory(): Promise<BenchTable> {
  const dir = await mkdtemp(path.join(tmpdir(), "audit-digest-memory-"));
  try {
    const { json, zip } = makeLargeArtifact();
    const jsonFile = path.join(dir, "consumer_artifact.json");
    const zipFile = path.join(dir, "artifact.zip");
    await writeFile(jsonFile, json);
    await writeFile(zipFile, zip);
    const baseline = await runChild("json-parse", jsonFile);
    const ingest = await runChild("ingest", zipFile);
    const size = json.byteLength;
    const mb = (bytes: number) => (bytes / MB).toFixed(1);
    return {
      title: "Peak memory of one ingest of a large artifact (VmHWM of a child process each; ratios in this run)",
      headers: ["hits", "JSON MB", "zip MB", "JSON.parse peak MB", "× file", "ingest peak MB", "× file", "× JSON.parse"],
      rows: [
        [
          formatCount(ingest.hits),
          mb(size),
          mb(zip.byteLength),
          mb(baseline.peakRss),
          formatRatio(baseline.peakRss / size),
          mb(ingest.peakRss),
          formatRatio(ingest.peakRss / size),
          formatRatio(ingest.peakRss / baseline.peakRss),
        ],
      ],
      notes: [
        "ingest: the zip read as a download stream through Octokit, safe unzip, size and depth checks, parse, long strings, schema, unknown fields, signature and provenance, fingerprints, secret scrubbing, the digest's content hash and state (first ingest). JSON.parse: a process that only reads, decodes and parses the same JSON. Both peaks include Node itself; × file is the peak over the JSON's size (the goal is at most 6×).",
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const [mode, file] = process.argv.slice(2);
if (process.argv[1] === fileURLToPath(import.meta.url) && (mode === "ingest" || mode === "json-parse") && file) {
  const report = await (mode === "ingest" ? ingestChild(file) : jsonParseChild(file));
  process.send?.(report);
}
