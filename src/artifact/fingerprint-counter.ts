/**
 * Counts how often each fingerprint has been seen, for the occurrence counters of identical
 * hits. An open-addressing table over one typed array instead of a `Set` or `Map`: a `Set` of
 * 100,000 freshly made strings costs about as much as hashing them, mostly in the garbage
 * collector (a large old table pointing at young strings), while this array holds no pointers
 * and the keys themselves are kept by the caller's results anyway. Keys are compared exactly;
 * the first hex digits only choose where to start looking, which spreads SHA-256 output evenly
 * (any other string still counts correctly, only less evenly spread).
 */
export class FingerprintCounter {
  /**
   * Three numbers per slot, side by side so a probe reads one cache line: 1 + the index in
   * `keys` of the fingerprint stored there (0 when empty), how many times it was counted, and
   * the value of its first hex digits, which tells most other fingerprints apart without
   * reading their strings.
   */
  private table: Int32Array;
  private mask: number;
  private readonly keys: string[] = [];

  /** `expected`: how many distinct fingerprints will likely be counted (the table grows past it). */
  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.table = new Int32Array(capacity * SLOT);
    this.mask = capacity - 1;
  }

  /** How many times `fingerprint` was counted before (0 the first time); counts it once more. */
  count(fingerprint: string): number {
    const table = this.table;
    const start = fingerprintStart(fingerprint);
    let slot = start & this.mask;
    for (;;) {
      const at = slot * SLOT;
      const stored = table[at]!;
      if (stored === 0) break;
      if (table[at + START] === start && this.keys[stored - 1] === fingerprint) return table[at + COUNT]!++;
      slot = (slot + 1) & this.mask;
    }
    this.keys.push(fingerprint);
    const at = slot * SLOT;
    table[at] = this.keys.length;
    table[at + COUNT] = 1;
    table[at + START] = start;
    // At most half full, so a search ends after a few slots on average.
    if (this.keys.length * 2 > this.mask + 1) this.grow();
    return 0;
  }

  private grow(): void {
    const old = this.table;
    const capacity = (this.mask + 1) * 2;
    const table = new Int32Array(capacity * SLOT);
    const mask = capacity - 1;
    for (let from = 0; from < old.length; from += SLOT) {
      if (old[from] === 0) continue;
      let slot = old[from + START]! & mask;
      while (table[slot * SLOT] !== 0) slot = (slot + 1) & mask;
      table.set(old.subarray(from, from + SLOT), slot * SLOT);
    }
    this.table = table;
    this.mask = mask;
  }
}

/** Numbers per slot of the table, and where the count and the first digits' value are among them. */
const SLOT = 3;
const COUNT = 1;
const START = 2;

/** The value of the first eight hex digits (lower case) of a fingerprint: uniform for SHA-256 output. */
export function fingerprintStart(fingerprint: string): number {
  let value = 0;
  const digits = Math.min(8, fingerprint.length);
  for (let i = 0; i < digits; i++) {
    const code = fingerprint.charCodeAt(i);
    // '0'–'9' are 48–57 (low four bits 0–9), 'a'–'f' are 97–102 (low four bits 1–6, plus 9).
    value = (value << 4) | ((code & 15) + 9 * (code >> 6));
  }
  return value;
}
