import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/artifact/canonical-json.js";
import { computeSignature, signaturePayload } from "../../src/artifact/sign-artifact.js";
import { writeCanonicalJson } from "../../src/artifact/write-canonical-json.js";

/** Everything written, and the length of each chunk handed over. */
function written(value: unknown): { text: string; chunks: number[] } {
  const chunks: string[] = [];
  writeCanonicalJson(value, { update: (text: string) => chunks.push(text) });
  return { text: chunks.join(""), chunks: chunks.map((chunk) => chunk.length) };
}

/** A document whose canonical text is several chunks long, with what canonicalisation changes. */
function largeDocument(): Record<string, unknown> {
  const hits = Array.from({ length: 5_000 }, (_, i) => ({ snippet: `use("p${i % 13}") // é😀\u2028`, repo: "acme/web", path: `src/dir${i % 7}/file${i}.ts`, line_number: i + 1 }));
  return { tool: { version: "1", name: "scanner" }, org_unregistered_hits: hits, a: [undefined, 1.5e-7, -0], skipped: undefined, signature: { alg: "hmac-sha256", key_id: "k1", value: "0".repeat(64) } };
}

describe("writeCanonicalJson", () => {
  it("writes exactly canonicalJson for any JSON value (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(written(value).text).toBe(canonicalJson(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it("hands a long text over in chunks, never as one string", () => {
    const document = largeDocument();
    const { text, chunks } = written(document);
    expect(text).toBe(canonicalJson(document));
    expect(chunks.length).toBeGreaterThan(4);
    expect(Math.max(...chunks)).toBeLessThan(text.length / 4);
  });
});

describe("computeSignature", () => {
  const secret = new Uint8Array(32).fill(7);
  const hmacOfPayload = (document: Record<string, unknown>): string => createHmac("sha256", secret).update(signaturePayload(document), "utf8").digest("hex");

  it("is the HMAC of the signature payload, written in chunks, for a document of several chunks", () => {
    const document = largeDocument();
    expect(computeSignature(document, secret)).toBe(hmacOfPayload(document));
  });

  it("is the HMAC of the signature payload for any JSON object (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (document) => {
        expect(computeSignature(document, secret)).toBe(hmacOfPayload(document));
      }),
      { numRuns: 1_000 },
    );
  });
});
