import { fingerprintHits } from "../src/artifact/fingerprint-hit.js";
import { parseArtifact } from "../src/artifact/parse-artifact.js";
import { computeDigestState, type DigestStateInput, type DigestStateRow } from "../src/digest/compute-digest-state.js";
import type { DigestHit } from "../src/digest/digest-finding.js";
import { renderDigest, type DigestView } from "../src/digest/render-digest.js";
import { toDigestHits } from "../src/digest/to-digest-hits.js";
import { artifactFixture } from "../test/support/artifact-fixtures.js";
import { formatCount, formatMs, formatRatio, type BenchTable } from "./bench-table.js";
import { makeHits } from "./make-hits.js";
import { timeMedian } from "./time-median.js";

/** Finding counts, and how many timed iterations each gets (fixed, so the run is bounded). */
const SIZES = [
  { findings: 1_000, iterations: 21 },
  { findings: 10_000, iterations: 9 },
  { findings: 100_000, iterations: 5 },
] as const;

const PREVIOUS_AT = "2026-11-19T10:00:00Z";
const NOW_AT = "2026-11-20T10:00:00Z";

/** The artifact's hits as the digest keeps them, through the same parse, fingerprint and scrub steps as an ingest. */
function digestHits(findings: number): DigestHit[] {
  const parsed = parseArtifact(JSON.stringify(artifactFixture({ generated_at: NOW_AT, org_unregistered_hits: makeHits(findings) })));
  if (!parsed.ok) throw new Error(`bench artifact is invalid: ${parsed.errors[0]?.message}`);
  return toDigestHits(parsed.artifact, fingerprintHits(parsed.artifact.org_unregistered_hits));
}

/**
 * An update like a real one: the previous scan had 95% of today's findings plus 2% that are
 * gone now, so today's has new, still-open and resolved findings. The stored rows are what
 * `loadFindingStates` gives: objects read from the database in order of fingerprint, with
 * strings of their own. (The rows of the previous call itself would share the hits' strings,
 * so comparing a stored fingerprint with a hit's would end at the first pointer check, and
 * they would lie in memory in the hits' order: a layout no update gets.)
 */
function stateInput(hits: readonly DigestHit[]): DigestStateInput {
  const kept = hits.slice(0, Math.floor(hits.length * 0.95));
  const gone = hits.slice(0, Math.floor(hits.length * 0.02)).map((h) => ({ ...h, fingerprint: `gone-${h.fingerprint}`, path: `old/${h.path}` }));
  const computed = computeDigestState({ previous: [], hits: [...kept, ...gone], complete: true, now: PREVIOUS_AT, generatedAt: PREVIOUS_AT }).rows;
  const previous = JSON.parse(JSON.stringify(computed)) as DigestStateRow[];
  return { previous, hits, complete: true, now: NOW_AT, generatedAt: NOW_AT };
}

/**
 * Times `computeDigestState` and `renderDigest` at 1k / 10k / 100k findings. Each is reported
 * as a ratio to `JSON.stringify` of the same findings, timed in the same iterations (a floor:
 * any pass over the findings costs about that), and to the same function at 1,000 findings.
 */
export function benchRenderDigest(): BenchTable {
  const measured = SIZES.map(({ findings, iterations }) => {
    const input = stateInput(digestHits(findings));
    const state = computeDigestState(input);
    const view: DigestView = { auditId: "org-audit", generatedAt: NOW_AT, complete: true, host: "github.com", findings: state.findings, totals: state.totals };
    const bodyLength = renderDigest(view).body.length;
    const times = timeMedian(
      {
        stringify: () => JSON.stringify(state.findings),
        compute: () => computeDigestState(input),
        render: () => renderDigest(view),
      },
      { iterations },
    );
    return { findings, iterations, bodyLength, ...times };
  });
  const smallest = measured[0]!;
  return {
    title: "Digest state and rendering (median CPU time; ratios measured in this run)",
    headers: [
      "findings",
      "iterations",
      "JSON.stringify ms",
      "× at 1k",
      "computeDigestState ms",
      "× stringify",
      "× at 1k",
      "renderDigest ms",
      "× stringify",
      "× at 1k",
      "body chars",
    ],
    rows: measured.map((m) => [
      formatCount(m.findings),
      String(m.iterations),
      formatMs(m.stringify),
      formatRatio(m.stringify / smallest.stringify),
      formatMs(m.compute),
      formatRatio(m.compute / m.stringify),
      formatRatio(m.compute / smallest.compute),
      formatMs(m.render),
      formatRatio(m.render / m.stringify),
      formatRatio(m.render / smallest.render),
      formatCount(m.bodyLength),
    ]),
    notes: [
      "× stringify: time over JSON.stringify of the same findings array, timed in the same iterations. A flat ratio across sizes means the function scales like a plain pass over the findings (memory effects included).",
      "× at 1k: time over the same function at 1,000 findings; work linear in the findings gives about 10× and 100×, plus what reading data that no longer fits in the CPU's caches adds (JSON.stringify's own × at 1k shows how much that is on this machine). Absolute ms are for information only.",
    ],
  };
}
