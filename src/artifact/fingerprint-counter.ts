/**
 * Counts how often each fingerprint has been seen, for the occurrence counters of identical
 * hits. An open-addressing table over typed arrays instead of a `Set` or `Map`: a `Set` of
 * 100,000 freshly made strings costs about as much as hashing them, mostly in the garbage
 * collector (a large old table pointing at young strings), while these arrays hold no pointers
 * and the keys themselves are kept by the caller's results anyway. Keys are compared exactly;
 * the first hex digits only choose where to start looking, which spreads SHA-256 output evenly
 * (any other string still counts correctly, only less evenly spread).
 */
export class FingerprintCounter {
  /** For each slot, 1 + the index in `keys` of the fingerprint stored there, or 0 when empty. */
  private slots: Int32Array;
  /** For each slot, how many times its fingerprint was counted. */
  private counts: Int32Array;
  private mask: number;
  private readonly keys: string[] = [];

  /** `expected`: how many distinct fingerprints will likely be counted (the table grows past it). */
  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.counts = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** How many times `fingerprint` was counted before (0 the first time); counts it once more. */
  count(fingerprint: string): number {
    let slot = startSlot(fingerprint) & this.mask;
    for (;;) {
      const stored = this.slots[slot]!;
      if (stored === 0) break;
      if (this.keys[stored - 1] === fingerprint) return this.counts[slot]!++;
      slot = (slot + 1) & this.mask;
    }
    this.keys.push(fingerprint);
    this.slots[slot] = this.keys.length;
    this.counts[slot] = 1;
    // At most half full, so a search ends after a few slots on average.
    if (this.keys.length * 2 > this.slots.length) this.grow();
    return 0;
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldCounts = this.counts;
    this.slots = new Int32Array(oldSlots.length * 2);
    this.counts = new Int32Array(oldSlots.length * 2);
    this.mask = this.slots.length - 1;
    for (let old = 0; old < oldSlots.length; old++) {
      const stored = oldSlots[old]!;
      if (stored === 0) continue;
      let slot = startSlot(this.keys[stored - 1]!) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = stored;
      this.counts[slot] = oldCounts[old]!;
    }
  }
}

/** The value of the first eight hex digits (lower case) of a fingerprint: uniform for SHA-256 output. */
function startSlot(fingerprint: string): number {
  let value = 0;
  const digits = Math.min(8, fingerprint.length);
  for (let i = 0; i < digits; i++) {
    const code = fingerprint.charCodeAt(i);
    // '0'–'9' are 48–57 (low four bits 0–9), 'a'–'f' are 97–102 (low four bits 1–6, plus 9).
    value = (value << 4) | ((code & 15) + 9 * (code >> 6));
  }
  return value;
}
