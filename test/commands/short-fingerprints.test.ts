import { describe, expect, it } from "vitest";
import { shortFingerprintLength } from "../../src/digest/render-digest.js";

describe("short fingerprints in the digest", () => {
  it("are 8 characters unless two findings share a longer prefix, then one more than the longest shared", () => {
    const a = `abcdef0123${"0".repeat(54)}`;
    const b = `abcdef0124${"0".repeat(54)}`;
    const c = `99999999${"1".repeat(56)}`;
    expect(shortFingerprintLength([{ fingerprint: a }, { fingerprint: c }])).toBe(8);
    expect(shortFingerprintLength([{ fingerprint: a }, { fingerprint: b }, { fingerprint: c }])).toBe(10);
    expect(shortFingerprintLength([{ fingerprint: a }, { fingerprint: a }])).toBe(8);
  });
});
