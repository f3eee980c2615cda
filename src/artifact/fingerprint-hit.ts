import { hash } from "node:crypto";
import type { Hit } from "./consumer-artifact-schema.js";

/** The fields of a hit that make up its identity. */
export type FingerprintInput = Pick<Hit, "repo" | "path" | "pattern"> & Partial<Pick<Hit, "snippet" | "rule_id">>;

export interface FingerprintedHit<H extends FingerprintInput = Hit> {
  readonly hit: H;
  /** 64 hex characters. */
  readonly fingerprint: string;
  /** 0 for the first hit with this identity in the artifact, 1 for the second, … */
  readonly occurrence: number;
}

/** Whitespace that normalising would change: a run, a character other than a space, or at either end. */
const UNNORMAL_WHITESPACE = /\s\s|[^\S ]|^\s|\s$/u;

/** Collapses runs of whitespace to one space and trims, so re-indented code keeps its identity. */
export function normalizeSnippet(snippet: string): string {
  // Most snippets are normal already; testing is cheaper than building the same string again.
  return UNNORMAL_WHITESPACE.test(snippet) ? snippet.replace(/\s+/gu, " ").trim() : snippet;
}

/** The identity of a hit without its occurrence counter. Never includes the line number. */
function identity(hit: FingerprintInput): string {
  const snippet = hit.snippet === undefined ? "" : normalizeSnippet(hit.snippet);
  // Repository names are case-insensitive on GitHub; paths and patterns are not.
  const repo = hit.repo.toLowerCase();
  if (snippet !== "") return JSON.stringify(["v1", repo, hit.path, hit.pattern, "snippet", snippet]);
  if (hit.rule_id !== undefined) return JSON.stringify(["v1", repo, hit.path, hit.pattern, "rule", hit.rule_id]);
  return JSON.stringify(["v1", repo, hit.path, hit.pattern, "none", ""]);
}

/** Fingerprint of one hit, given its occurrence counter among identical hits. */
export function fingerprintHit(hit: FingerprintInput, occurrence = 0): string {
  return fingerprintOf(identity(hit), occurrence);
}

function fingerprintOf(key: string, occurrence: number): string {
  // One-shot hashing: a Hash object per hit costs more than the hashing itself.
  return hash("sha256", `${key}#${occurrence}`, "hex");
}

/**
 * Fingerprints all hits of an artifact. Identical hits (same identity) get counters
 * 0, 1, 2, … in artifact order, so the result is deterministic and unaffected by
 * line numbers.
 */
export function fingerprintHits<H extends FingerprintInput>(hits: readonly H[]): FingerprintedHit<H>[] {
  const seen = new Map<string, number>();
  return hits.map((hit) => {
    const key = identity(hit);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return { hit, fingerprint: fingerprintOf(key, occurrence), occurrence };
  });
}
