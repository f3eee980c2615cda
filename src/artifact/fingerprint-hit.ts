import type { Hit } from "./consumer-artifact-schema.js";
import { FingerprintCounter, fingerprintStart } from "./fingerprint-counter.js";
import { FingerprintKeyBuffer } from "./fingerprint-key-buffer.js";

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
 * computed for every hit anyway: two identities share it only if SHA-256 collides.
 *
 * Nearly every hit of an artifact has an identity of its own, so the fingerprints are first
 * told apart by their first hex digits in a bit set small enough to stay in the CPU's cache (a
 * table of 100,000 fingerprints is not: its lookups cost as much as the hashing). Only hits
 * whose digits another hit's already set are counted exactly, with all hits that share those
 * digits, in a second pass.
 */
export function fingerprintHits<H extends FingerprintInput>(hits: readonly H[]): FingerprintedHit<H>[] {
  const result = new Array<FingerprintedHit<H>>(hits.length);
  const bits = bitSetWords(hits.length);
  const mask = bits * 32 - 1;
  const seen = new Int32Array(bits);
  const shared = new Int32Array(bits);
  const starts = new Int32Array(hits.length);
  let sharing = 0;
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i]!;
    const fingerprint = keys.hashKey(keys.writeIdentity(hit), 0);
    const position = fingerprintStart(fingerprint) & mask;
    starts[i] = position;
    const word = position >>> 5;
    const bit = 1 << (position & 31);
    if ((seen[word]! & bit) === 0) seen[word]! |= bit;
    else {
      shared[word]! |= bit;
      sharing++;
    }
    result[i] = { hit, fingerprint, occurrence: 0 };
  }
  if (sharing === 0) return result;
  const counter = new FingerprintCounter(2 * sharing);
  for (let i = 0; i < hits.length; i++) {
    const position = starts[i]!;
    if ((shared[position >>> 5]! & (1 << (position & 31))) === 0) continue;
    const first = result[i]!;
    const occurrence = counter.count(first.fingerprint);
    if (occurrence > 0) result[i] = { hit: first.hit, fingerprint: keys.hashKey(keys.writeIdentity(first.hit), occurrence), occurrence };
  }
  return result;
}

/** Words of the bit set for `hits` fingerprints: a power of two, 16 bits or more per hit, so few share a bit by chance. */
function bitSetWords(hits: number): number {
  let words = 32;
  while (words * 32 < hits * 16) words *= 2;
  return words;
}
