import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseHmacKeys } from "../../src/artifact/parse-hmac-keys.js";
import type { HmacKey } from "../../src/artifact/parse-hmac-keys.js";
import { signArtifact, signaturePayload } from "../../src/artifact/sign-artifact.js";
import { describeSignatureVerdict, verifySignature } from "../../src/artifact/verify-signature.js";
import { makeArtifact, TEST_KEYS_ENV } from "./make-artifact.js";

const parsedKeys = parseHmacKeys(TEST_KEYS_ENV);
if (!parsedKeys.ok) throw new Error(parsedKeys.errors.join("; "));
const keys: HmacKey[] = parsedKeys.keys;
const [k1, k2] = keys as [HmacKey, HmacKey];

/** Rebuilds a value with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
}

describe("signArtifact / verifySignature", () => {
  it("verifies what it signs", () => {
    const signed = signArtifact(makeArtifact(), k1);
    expect(signed.signature).toMatchObject({ alg: "hmac-sha256", key_id: "k1" });
    expect(signed.signature.value).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySignature(signed, keys)).toEqual({ status: "valid", keyId: "k1" });
  });

  it("does not depend on key order or whitespace in the file", () => {
    const signed = signArtifact(makeArtifact(), k1);
    const reread = JSON.parse(JSON.stringify(reverseKeys(signed), null, 7).replace(/\n/g, "\r\n   ")) as Record<string, unknown>;
    expect(Object.keys(reread)[0]).toBe("signature");
    expect(verifySignature(reread, keys)).toEqual({ status: "valid", keyId: "k1" });
  });

  it("supports key rotation: an artifact signed with the second listed key verifies", () => {
    const signed = signArtifact(makeArtifact(), k2);
    expect(verifySignature(signed, keys)).toEqual({ status: "valid", keyId: "k2" });
    // ...and after the old key is dropped from the list
    expect(verifySignature(signed, [k2])).toEqual({ status: "valid", keyId: "k2" });
  });

  it("replaces an existing signature and signs without it", () => {
    const once = signArtifact(makeArtifact(), k1);
    const twice = signArtifact(once, k2);
    expect(twice.signature.key_id).toBe("k2");
    expect(signaturePayload(twice)).toBe(signaturePayload(makeArtifact()));
  });

  it("reports a tampered artifact as a mismatch", () => {
    const signed = signArtifact(makeArtifact(), k1);
    const hits = signed.org_unregistered_hits as Record<string, unknown>[];
    hits[0]!.line_number = 13;
    expect(verifySignature(signed, keys)).toEqual({ status: "mismatch", keyId: "k1" });
  });

  it("covers unknown fields", () => {
    const signed = signArtifact(makeArtifact({ x_extra: "a" }), k1);
    expect(verifySignature({ ...signed, x_extra: "b" }, keys).status).toBe("mismatch");
  });

  it("reports a signature made with a different secret as a mismatch", () => {
    const signed = signArtifact(makeArtifact(), { id: "k1", secret: new Uint8Array([1, 2, 3]) });
    expect(verifySignature(signed, keys).status).toBe("mismatch");
  });

  it("tells missing, unknown key, bad algorithm and malformed apart", () => {
    const signed = signArtifact(makeArtifact(), k1);
    expect(verifySignature(makeArtifact(), keys)).toEqual({ status: "missing" });
    expect(verifySignature({ ...signed, signature: { ...signed.signature, key_id: "k9" } }, keys)).toEqual({
      status: "unknown_key",
      keyId: "k9",
    });
    expect(verifySignature({ ...signed, signature: { ...signed.signature, alg: "sha1" } }, keys)).toEqual({
      status: "bad_alg",
      alg: "sha1",
    });
    expect(verifySignature({ ...signed, signature: { ...signed.signature, value: "abc" } }, keys).status).toBe("malformed");
    expect(verifySignature({ ...signed, signature: "x" }, keys).status).toBe("malformed");
  });

  it("accepts an upper-case hex signature value", () => {
    const signed = signArtifact(makeArtifact(), k1);
    const upper = { ...signed, signature: { ...signed.signature, value: signed.signature.value.toUpperCase() } };
    expect(verifySignature(upper, keys).status).toBe("valid");
  });

  it("describes every verdict without secrets", () => {
    const texts = [
      describeSignatureVerdict({ status: "valid", keyId: "k1" }),
      describeSignatureVerdict({ status: "missing" }),
      describeSignatureVerdict({ status: "unknown_key", keyId: "k9" }),
      describeSignatureVerdict({ status: "bad_alg", alg: "sha1" }),
      describeSignatureVerdict({ status: "mismatch", keyId: "k1" }),
      describeSignatureVerdict({ status: "malformed", reason: "signature is not an object" }),
    ];
    expect(texts[2]).toContain('"k9"');
    expect(texts[4]).toContain("mismatch");
    for (const text of texts) {
      expect(text).not.toContain("00112233");
      expect(text).not.toContain("c2Vjb25k");
    }
  });

  it("verifies after any key reordering and re-serialisation (property)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
        fc.constantFrom(k1, k2),
        fc.integer({ min: 0, max: 3 }),
        (extra, key, indent) => {
          const { signature: _ignored, ...fields } = extra;
          const signed = signArtifact({ ...fields, ...makeArtifact() }, key);
          const reread = JSON.parse(JSON.stringify(reverseKeys(signed), null, indent)) as Record<string, unknown>;
          expect(verifySignature(reread, keys)).toEqual({ status: "valid", keyId: key.id });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("detects any changed value (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (pattern) => {
        const signed = signArtifact(makeArtifact(), k1);
        const hits = structuredClone(signed.org_unregistered_hits) as Record<string, unknown>[];
        fc.pre(pattern !== hits[0]!.pattern);
        hits[0]!.pattern = pattern;
        expect(verifySignature({ ...signed, org_unregistered_hits: hits }, keys).status).toBe("mismatch");
      }),
    );
  });
});
