import { fingerprintHits } from "../src/artifact/fingerprint-hit.js";
import { parseArtifact } from "../src/artifact/parse-artifact.js";
import { artifactFixture } from "../test/support/artifact-fixtures.js";
import { formatCount, formatMs, formatRatio, type BenchTable } from "./bench-table.js";
import { makeHits } from "./make-hits.js";
import { timeMedian } from "./time-median.js";

/** Hit counts (100,000 is the default `max_hits`), and timed iterations for each. */
const SIZES = [
  { hits: 1_000, iterations: 21 },
  { hits: 10_000, iterations: 9 },
  { hits: 100_000, iterations: 5 },
] as const;

/**
 * Times `parseArtifact` (size and depth checks, JSON.parse, string limits, schema validation)
 * and `fingerprintHits` on artifacts of 1k / 10k / 100k hits, each as a ratio to a plain
 * UTF-8 decode plus `JSON.parse` of the same bytes, timed in the same iterations.
 */
export function benchParseArtifact(): BenchTable {
  const measured = SIZES.map(({ hits, iterations }) => {
    const bytes = new TextEncoder().encode(JSON.stringify(artifactFixture({ org_unregistered_hits: makeHits(hits) })));
    const parsed = parseArtifact(bytes);
    if (!parsed.ok) throw new Error(`bench artifact is invalid: ${parsed.errors[0]?.message}`);
    const validHits = parsed.artifact.org_unregistered_hits;
    const decoder = new TextDecoder("utf-8", { fatal: true });
    const times = timeMedian(
      {
        jsonParse: () => JSON.parse(decoder.decode(bytes)) as unknown,
        parse: () => parseArtifact(bytes),
        fingerprint: () => fingerprintHits(validHits),
        both: () => {
          const result = parseArtifact(bytes);
          return result.ok ? fingerprintHits(result.artifact.org_unregistered_hits) : result;
        },
      },
      { iterations },
    );
    return { hits, iterations, bytes: bytes.byteLength, ...times };
  });
  return {
    title: "Artifact parsing and fingerprinting (median CPU time; ratios to JSON.parse of the same bytes, this run)",
    headers: ["hits", "MB", "iterations", "JSON.parse ms", "parseArtifact ms", "×", "fingerprintHits ms", "×", "both ms", "×"],
    rows: measured.map((m) => [
      formatCount(m.hits),
      (m.bytes / 1024 / 1024).toFixed(2),
      String(m.iterations),
      formatMs(m.jsonParse),
      formatMs(m.parse),
      formatRatio(m.parse / m.jsonParse),
      formatMs(m.fingerprint),
      formatRatio(m.fingerprint / m.jsonParse),
      formatMs(m.both),
      formatRatio(m.both / m.jsonParse),
    ]),
    notes: [
      "×: time over UTF-8 decoding plus JSON.parse of the same bytes, timed in the same iterations (what any reader of the artifact pays). A ratio that stays flat from 1k to 100k hits means the step grows like parsing does; absolute ms are for information only.",
    ],
  };
}
