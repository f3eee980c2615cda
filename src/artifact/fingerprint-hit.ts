import { hash } from "node:crypto";
import type { Hit } from "./consumer-artifact-schema.js";
import { FingerprintCounter } from "./fingerprint-counter.js";

/** The fields of a hit that make up its identity. */
export type FingerprintInput = Pick<Hit, "repo" | "path" | "pattern"> & Partial<Pick<Hit, "snippet" | "rule_id">>;

export interface FingerprintedHit<H extends FingerprintInput = Hit> {
  readonly hit: H;
  /** 64 hex characters. */
  readonly fingerprint: string;
  /** 0 for the first hit with this identity in the artifact, 1 for the second, … */
  readonly occurrence: number;
}

/**
 * A non-empty text whose only whitespace is single spaces between other characters, which
 * normalising leaves as it is. One pass with no alternatives to try at each character, which
 * is about twice as fast as looking for a run, another whitespace character or an end.
 */
const NORMAL_SNIPPET = /^\S+(?: \S+)*$/;

/** Collapses runs of whitespace to one space and trims, so re-indented code keeps its identity. */
export function normalizeSnippet(snippet: string): string {
  // Most snippets are normal already; testing is cheaper than building the same string again.
  return NORMAL_SNIPPET.test(snippet) ? snippet : snippet.replace(/\s+/gu, " ").trim();
}

/** A character `JSON.stringify` may write other than as itself: a quote, a backslash, a control character, a surrogate. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, or the text itself when no character needs escaping (nearly always); the caller adds the quotes. */
function escaped(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text).slice(1, -1) : text;
}

/** Where the occurrence counter goes: after the identity and a `#`. */
const FIRST_OCCURRENCE = "#0";

/**
 * What is hashed for the first hit of an identity: the JSON text of
 * `["v1", repo, path, pattern, kind, value]`, then `#0`. Written out with one `join` (building
 * the array for `JSON.stringify`, or concatenating piece by piece, costs more than the
 * hashing), so it is one flat string. The value goes through `JSON.stringify` without a test
 * first: snippets are code and usually hold a quote, so testing would only add a pass. Never
 * includes the line number.
 */
function firstOccurrenceKey(hit: FingerprintInput): string {
  const snippet = hit.snippet === undefined ? "" : normalizeSnippet(hit.snippet);
  // Repository names are case-insensitive on GitHub; paths and patterns are not.
  const repo = escaped(hit.repo.toLowerCase());
  const path = escaped(hit.path);
  const pattern = escaped(hit.pattern);
  if (snippet !== "") return ['["v1","', repo, '","', path, '","', pattern, '","snippet",', JSON.stringify(snippet), "]", FIRST_OCCURRENCE].join("");
  if (hit.rule_id !== undefined) return ['["v1","', repo, '","', path, '","', pattern, '","rule",', JSON.stringify(hit.rule_id), "]", FIRST_OCCURRENCE].join("");
  return ['["v1","', repo, '","', path, '","', pattern, '","none",""]', FIRST_OCCURRENCE].join("");
}

/** What is hashed for a later hit of the same identity. */
function laterOccurrenceKey(firstKey: string, occurrence: number): string {
  return `${firstKey.slice(0, -FIRST_OCCURRENCE.length)}#${occurrence}`;
}

function sha256Hex(key: string): string {
  // One-shot hashing: a Hash object per hit costs more than the hashing itself.
  return hash("sha256", key, "hex");
}

/** Fingerprint of one hit, given its occurrence counter among identical hits. */
export function fingerprintHit(hit: FingerprintInput, occurrence = 0): string {
  const first = firstOccurrenceKey(hit);
  return sha256Hex(occurrence === 0 ? first : laterOccurrenceKey(first, occurrence));
}

/**
 * Fingerprints all hits of an artifact. Identical hits (same identity) get counters
 * 0, 1, 2, … in artifact order, so the result is deterministic and unaffected by
 * line numbers. An identity is known by the fingerprint of its first occurrence, which is
 * computed for every hit anyway: two identities share it only if SHA-256 collides, and a short
 * key keeps neither the snippets' text nor a second hash of it alive.
 */
export function fingerprintHits<H extends FingerprintInput>(hits: readonly H[]): FingerprintedHit<H>[] {
  const counter = new FingerprintCounter(hits.length);
  const result = new Array<FingerprintedHit<H>>(hits.length);
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i]!;
    const first = firstOccurrenceKey(hit);
    const firstFingerprint = sha256Hex(first);
    const occurrence = counter.count(firstFingerprint);
    const fingerprint = occurrence === 0 ? firstFingerprint : sha256Hex(laterOccurrenceKey(first, occurrence));
    result[i] = { hit, fingerprint, occurrence };
  }
  return result;
}
