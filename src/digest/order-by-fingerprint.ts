/** Buckets at or below this size are put in order by insertion; larger ones by the engine's sort. */
const SMALL_BUCKET = 16;

/** Values of one character position of a bucket key: 0 for "ended", then the classes of `unitValue`. */
const RADIX = 20;

/**
 * The value of the code unit `code` at one position of a bucket key, in code-unit order: each
 * hexadecimal digit (`0`–`9`, `a`–`f`) has its own value, and the code units below, between
 * and above them share one value per range (1, 12 and 19).
 */
function unitValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 46; // 2..11
  if (code >= 97 && code <= 102) return code - 84; // 13..18
  return code < 48 ? 1 : code < 97 ? 12 : 19;
}

/** Items in order of fingerprint. */
export interface FingerprintOrder {
  /** Indexes of the items in order of their fingerprints, items with the same fingerprint in input order. */
  readonly order: Int32Array;
  /** Each item's fingerprint, by index (read once, in input order). */
  readonly fingerprints: readonly string[];
  /** 1 at each place of `order` whose item has the same fingerprint as the item before it. */
  readonly repeats: Uint8Array;
}

/**
 * The items in the order of their fingerprints (code units, as `<` compares strings), those
 * with the same fingerprint in input order: what a stable `sort((a, b) => a.fingerprint <
 * b.fingerprint ? -1 : ...)` gives, in time linear in the items for hexadecimal fingerprints.
 * The items are counted into buckets by the first few characters of their fingerprint (about
 * one bucket per item for hexadecimal ones, so a bucket of SHA-256 fingerprints holds one or
 * two), then each bucket is put in order by a next key from the characters that follow and,
 * where those are equal too, by comparing whole fingerprints (so most are told apart without
 * reading a scattered string again). A key takes each character's `unitValue`, 0 past the
 * end, and 0 after a character of a shared range, so that fingerprints in order always have
 * keys in the same order (not strictly): fingerprints that are not hexadecimal still come out
 * in order, in fewer buckets sorted by comparison.
 */
export function orderByFingerprint(items: readonly { fingerprint: string }[]): FingerprintOrder {
  const count = items.length;
  const order = new Int32Array(count);
  const repeats = new Uint8Array(count);
  const fingerprints = new Array<string>(count);
  const positions = count <= 16 ? 1 : count <= 256 ? 2 : count <= 4096 ? 3 : 4;
  const buckets = RADIX ** positions;
  const keys = new Int32Array(count);
  /** Bucket sizes, then each bucket's end once the items are distributed. */
  const ends = new Int32Array(buckets);
  /** Each item's next key: the values of the `positions` characters after those of its bucket key. */
  const nextKeys = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const fingerprint = items[i]!.fingerprint;
    fingerprints[i] = fingerprint;
    const length = fingerprint.length;
    let key = 0;
    let exact = true;
    for (let p = 0; p < 2 * positions; p++) {
      if (p === positions) {
        keys[i] = key;
        key = 0;
      }
      let value = 0;
      if (exact && p < length) {
        value = unitValue(fingerprint.charCodeAt(p));
        exact = value !== 1 && value !== 12 && value !== 19;
      } else {
        exact = false;
      }
      key = key * RADIX + value;
    }
    nextKeys[i] = key;
    ends[keys[i]!]!++;
  }
  let sum = 0;
  for (let b = 0; b < buckets; b++) {
    const size = ends[b]!;
    ends[b] = sum;
    sum += size;
  }
  for (let i = 0; i < count; i++) order[ends[keys[i]!]!++] = i;
  let start = 0;
  for (let b = 0; b < buckets; b++) {
    const end = ends[b]!;
    if (end - start > 1) {
      sortBucket(fingerprints, nextKeys, order, start, end);
      // Only a bucket can hold the same fingerprint twice, next to each other now.
      for (let k = start + 1; k < end; k++) {
        const a = order[k - 1]!;
        const b = order[k]!;
        if (nextKeys[a] === nextKeys[b] && fingerprints[a] === fingerprints[b]) repeats[k] = 1;
      }
    }
    start = end;
  }
  return { order, fingerprints, repeats };
}

/** Puts `order[lo..hi)` (indexes in increasing order) in order of their fingerprints, stably: by next key, then by fingerprint. */
function sortBucket(fingerprints: readonly string[], nextKeys: Int32Array, order: Int32Array, lo: number, hi: number): void {
  if (hi - lo <= SMALL_BUCKET) {
    for (let k = lo + 1; k < hi; k++) {
      const index = order[k]!;
      const key = nextKeys[index]!;
      let j = k - 1;
      for (; j >= lo; j--) {
        const other = order[j]!;
        const otherKey = nextKeys[other]!;
        if (key > otherKey || (key === otherKey && !(fingerprints[index]! < fingerprints[other]!))) break;
        order[j + 1] = other;
      }
      order[j + 1] = index;
    }
    return;
  }
  const part = Array.from(order.subarray(lo, hi));
  part.sort((a, b) => {
    const x = nextKeys[a]!;
    const y = nextKeys[b]!;
    if (x !== y) return x - y;
    const u = fingerprints[a]!;
    const v = fingerprints[b]!;
    return u < v ? -1 : u > v ? 1 : a - b;
  });
  order.set(part, lo);
}
