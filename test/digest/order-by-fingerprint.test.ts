import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { orderByFingerprint } from "../../src/digest/order-by-fingerprint.js";

/** What a stable sort of the indexes by fingerprint (code units) gives. */
function stableOrder(items: readonly { fingerprint: string }[]): number[] {
  return items
    .map((item, index) => ({ fingerprint: item.fingerprint, index }))
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : a.index - b.index))
    .map((entry) => entry.index);
}

/** Characters on both sides of each bucket value's edges: hexadecimal digits, their neighbours, none ASCII. */
const unit = fc.constantFrom("0", "1", "9", "a", "b", "f", "/", ":", "@", "`", "g", "z", "A", "F", "\u0000", "é", "\uffff", "\u{1F600}");
const fingerprint = fc.oneof(fc.array(unit, { maxLength: 7 }).map((units) => units.join("")), fc.stringMatching(/^[0-9a-f]{0,8}$/));

describe("orderByFingerprint", () => {
  it("orders items as a stable sort by fingerprint does and marks each repeated fingerprint, for any strings and list sizes (property)", () => {
    fc.assert(
      fc.property(fc.array(fingerprint.map((f) => ({ fingerprint: f })), { maxLength: 400 }), (items) => {
        const { order, repeats } = orderByFingerprint(items);
        expect(Array.from(order)).toEqual(stableOrder(items));
        expect(Array.from(repeats)).toEqual(Array.from(order, (index, k) => (k > 0 && items[order[k - 1]!]!.fingerprint === items[index]!.fingerprint ? 1 : 0)));
      }),
      { numRuns: 1_500 },
    );
  });

  it("orders thousands of items, crowded buckets of one prefix included, as a stable sort does (property)", () => {
    fc.assert(
      fc.property(fc.array(fingerprint, { minLength: 1, maxLength: 40 }), fc.integer({ min: 4_097, max: 9_000 }), (pool, count) => {
        const items = Array.from({ length: count }, (_, i) => ({ fingerprint: i % 3 === 0 ? `gone-${pool[i % pool.length]}` : pool[(i * 7) % pool.length]! + (i % 11).toString(16) }));
        expect(Array.from(orderByFingerprint(items).order)).toEqual(stableOrder(items));
      }),
      { numRuns: 25 },
    );
  });
});
