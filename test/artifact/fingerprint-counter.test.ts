import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FingerprintCounter } from "../../src/artifact/fingerprint-counter.js";

const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");

/** What the counter must answer: how many times each key was counted before. */
function referenceCounts(keys: readonly string[]): number[] {
  const seen = new Map<string, number>();
  return keys.map((key) => {
    const before = seen.get(key) ?? 0;
    seen.set(key, before + 1);
    return before;
  });
}

/** Real fingerprints, fingerprints that share their first eight hex digits (the same start slot), short and non-hex keys. */
const key = fc.oneof(
  fc.nat({ max: 40 }).map((n) => sha256Hex(String(n))),
  fc.tuple(fc.constantFrom("00000000", "ffffffff", "0a1b2c3d"), fc.nat({ max: 20 })).map(([start, n]) => start + sha256Hex(String(n)).slice(8)),
  fc.constantFrom("", "0", "abc", "ABCDEF01", "zzzzzzzzzz", "ü😀", "00000000"),
);

describe("FingerprintCounter", () => {
  it("answers how many times each key was counted before, whatever the keys (property)", () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 200 }), fc.integer({ min: 0, max: 300 }), (keys, expected) => {
        const counter = new FingerprintCounter(expected);
        expect(keys.map((k) => counter.count(k))).toEqual(referenceCounts(keys));
      }),
      { numRuns: 2_000 },
    );
  });

  it("keeps its counts while it grows far past the expected number of keys", () => {
    const distinct = Array.from({ length: 20_000 }, (_, i) => sha256Hex(`hit ${i}`));
    // Every key three times, the repeats interleaved with the table's growth.
    const keys = distinct.flatMap((k, i) => [k, distinct[i >> 1]!, distinct[i >> 2]!]);
    const counter = new FingerprintCounter(1);
    expect(keys.map((k) => counter.count(k))).toEqual(referenceCounts(keys));
  });

  it("tells keys apart that share a start slot", () => {
    const counter = new FingerprintCounter(4);
    const a = `00000000${"a".repeat(56)}`;
    const b = `00000000${"b".repeat(56)}`;
    expect([counter.count(a), counter.count(b), counter.count(b), counter.count(a), counter.count(a)]).toEqual([0, 0, 1, 1, 2]);
  });
});
