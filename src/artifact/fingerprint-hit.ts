import type { Hit } from "./consumer-artifact-schema.js";
import { FingerprintCounter } from "./fingerprint-counter.js";
import { FingerprintKeyBuffer } from "./fingerprint-key-buffer.js";

export { normalizeSnippet } from "./normalize-snippet.js";

/** The fields of a hit that make up its identity. */
export type FingerprintInput = Pick<Hit, "repo" | "path" | "pattern"> & Partial<Pick<Hit, "snippet" | "rule_id">>;

export interface FingerprintedHit<H extends FingerprintInput = Hit> {
  readonly hit: H;
  /** 64 hex characters. */
  readonly fingerprint: string;
  /** 0 for the first hit with this identity in the artifact, 1 for the second, … */
  readonly occurrence: number;
}

/** The one buffer every fingerprint key is written and hashed in (calls never overlap: all are synchronous). */
const keys = new FingerprintKeyBuffer();

/** Fingerprint of one hit, given its occurrence counter among identical hits. */
export function fingerprintHit(hit: FingerprintInput, occurrence = 0): string {
  return keys.hashKey(keys.writeIdentity(hit), occurrence);
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
    const end = keys.writeIdentity(hit);
    const firstFingerprint = keys.hashKey(end, 0);
    const occurrence = counter.count(firstFingerprint);
    const fingerprint = occurrence === 0 ? firstFingerprint : keys.hashKey(end, occurrence);
    result[i] = { hit, fingerprint, occurrence };
  }
  return result;
}
