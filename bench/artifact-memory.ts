import { fork } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { zipSync } from "fflate";
import { DEFAULT_ARTIFACT_LIMITS } from "../src/artifact/artifact-limits.js";
import { HMAC_KEYS } from "../test/support/app-harness.js";
import { artifactFixture, signed } from "../test/support/artifact-fixtures.js";
import { formatCount, formatRatio, type BenchTable } from "./bench-table.js";
import { makeHits } from "./make-hits.js";
import { ARTIFACT_ORIGIN as ORIGIN, type ArtifactMemoryReport } from "./support/artifact-memory-child.js";

const MB = 1024 * 1024;
/** Just under the default max_bytes (50 MiB), at the default max_hits. */
const TARGET_BYTES = DEFAULT_ARTIFACT_LIMITS.maxBytes - 2 * MB;
const HITS = DEFAULT_ARTIFACT_LIMITS.maxHits;
/** The measurements' process: it loads only what its mode runs, not this file's fixtures. */
const CHILD_SCRIPT = fileURLToPath(new URL("./support/artifact-memory-child.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The child script compiled to JavaScript, so it runs on plain node as `npm start` runs the app,
 * not under the TypeScript loader this bench runs under (whose hooks thread alone holds about
 * 25 MB, in both children). Each mode's imports stay chunks of their own, loaded only by that
 * mode; packages (Probot) stay imports of node_modules, which is why the output lies inside the
 * repository's node_modules.
 */
async function compileChild(): Promise<{ script: string; dir: string }> {
  const cache = path.join(REPO_ROOT, "node_modules", ".cache");
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(path.join(cache, "artifact-memory-"));
  await build({
    entryPoints: [CHILD_SCRIPT],
    outdir: dir,
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outExtension: { ".js": ".mjs" },
    logLevel: "silent",
  });
  return { script: path.join(dir, "artifact-memory-child.mjs"), dir };
}

/** This process's node options without the TypeScript loader's own (`--require`/`--import` of tsx). */
function nodeOptionsWithoutLoader(): string[] {
  const options: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const option = process.execArgv[i]!;
    const value = process.execArgv[i + 1];
    if ((option === "--require" || option === "--import") && value !== undefined && /[\\/]tsx[\\/]/.test(value)) {
      i++;
      continue;
    }
    options.push(option);
  }
  return options;
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

/** Runs one measurement in a fresh process of its own, so its peak resident set is its own. */
function runChild(script: string, mode: "ingest" | "json-parse", file: string): Promise<ArtifactMemoryReport> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [mode, file], {
      execArgv: nodeOptionsWithoutLoader(),
      env: { ...process.env, AUDIT_HMAC_KEYS: HMAC_KEYS },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let report: ArtifactMemoryReport | undefined;
    child.on("message", (message) => (report = message as ArtifactMemoryReport));
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
  const child = await compileChild();
  try {
    const { json, zip } = makeLargeArtifact();
    const jsonFile = path.join(dir, "consumer_artifact.json");
    const zipFile = path.join(dir, "artifact.zip");
    await writeFile(jsonFile, json);
    await writeFile(zipFile, zip);
    const baseline = await runChild(child.script, "json-parse", jsonFile);
    const ingest = await runChild(child.script, "ingest", zipFile);
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
        "ingest: the zip read as a download stream through Octokit, safe unzip, size and depth checks, parse, long strings, schema, unknown fields, signature and provenance, fingerprints (the app's downloadCheckedArtifact), the collection after a large artifact's check, secret scrubbing, the digest's content hash and state (first ingest). JSON.parse: a process that only reads, decodes and parses the same JSON. Both run compiled, on plain node, as npm start runs the app; both peaks include Node itself; × file is the peak over the JSON's size (the goal is at most 6×).",
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(child.dir, { recursive: true, force: true });
  }
}
