import { timingSafeEqual } from "node:crypto";
import type { HmacKey } from "./parse-hmac-keys.js";
import { computeSignature, SIGNATURE_ALG } from "./sign-artifact.js";

export type SignatureVerdict =
  | { status: "valid"; keyId: string }
  | { status: "missing" }
  | { status: "malformed"; reason: string }
  | { status: "bad_alg"; alg: string }
  | { status: "unknown_key"; keyId: string }
  | { status: "mismatch"; keyId: string };

const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * Checks the document's `signature` against the listed keys: the signature's `key_id`
 * picks the key, so several keys can be valid during a rotation. Works on the parsed
 * document (not the text), so key order and whitespace do not matter. Compares in
 * constant time.
 */
export function verifySignature(
  document: Readonly<Record<string, unknown>>,
  keys: readonly HmacKey[],
): SignatureVerdict {
  const signature = document.signature;
  if (signature === undefined) return { status: "missing" };
  if (signature === null || typeof signature !== "object" || Array.isArray(signature)) {
    return { status: "malformed", reason: "signature is not an object" };
  }
  const { alg, key_id: keyId, value } = signature as Record<string, unknown>;
  if (alg !== SIGNATURE_ALG) return { status: "bad_alg", alg: typeof alg === "string" ? alg.slice(0, 64) : String(typeof alg) };
  if (typeof keyId !== "string" || keyId === "") return { status: "malformed", reason: "signature.key_id is not a string" };
  if (typeof value !== "string" || !HEX64.test(value)) {
    return { status: "malformed", reason: "signature.value is not 64 hexadecimal characters" };
  }
  const key = keys.find((candidate) => candidate.id === keyId);
  if (key === undefined) return { status: "unknown_key", keyId };
  const expected = Buffer.from(computeSignature(document, key.secret), "hex");
  const actual = Buffer.from(value, "hex");
  return timingSafeEqual(expected, actual) ? { status: "valid", keyId } : { status: "mismatch", keyId };
}

/** A one-line explanation of a verdict, for check runs and the command line. */
export function describeSignatureVerdict(verdict: SignatureVerdict): string {
  switch (verdict.status) {
    case "valid":
      return `signature valid (key "${verdict.keyId}")`;
    case "missing":
      return "signature missing: the artifact has no signature member";
    case "malformed":
      return `signature malformed: ${verdict.reason}`;
    case "bad_alg":
      return `signature algorithm "${verdict.alg}" is not supported (expected "${SIGNATURE_ALG}")`;
    case "unknown_key":
      return `signature key_id ${JSON.stringify(verdict.keyId.slice(0, 128))} is not one of the configured keys (AUDIT_HMAC_KEYS)`;
    case "mismatch":
      return `signature mismatch: the artifact was changed after signing or signed with another secret (key "${verdict.keyId}")`;
  }
}
