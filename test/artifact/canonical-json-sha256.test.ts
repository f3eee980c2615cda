import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/artifact/canonical-json.js";
import { canonicalJsonSha256 } from "../../src/artifact/canonical-json-sha256.js";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

describe("canonicalJsonSha256", () => {
  it("is the SHA-256 of canonicalJson for any JSON value (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJsonSha256(value)).toBe(sha256(canonicalJson(value)));
      }),
      { numRuns: 2_000 },
    );
  });

  it("is the SHA-256 of canonicalJson for a document larger than one chunk, with undefined members and a toJSON", () => {
    const hits = Array.from({ length: 3_000 }, (_, i) => ({ repo: "acme/web", path: `src/dir${i % 7}/file${i}.ts`, line_number: i + 1 }));
    const document = { b: hits, a: [undefined, 1.5e-7, -0, "é😀\u2028"], skipped: undefined, at: new Date(0) };
    expect(canonicalJsonSha256(document)).toBe(sha256(canonicalJson(document)));
  });

  it("throws a TypeError for values without a JSON form", () => {
    expect(() => canonicalJsonSha256(undefined)).toThrow(TypeError);
    expect(() => canonicalJsonSha256({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJsonSha256([Number.POSITIVE_INFINITY])).toThrow(TypeError);
  });
});
