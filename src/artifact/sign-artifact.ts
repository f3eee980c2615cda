import { createHmac } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import type { HmacKey } from "./parse-hmac-keys.js";

export const SIGNATURE_ALG = "hmac-sha256";

/** The exact text that is signed: RFC 8785 canonical JSON of the document without `signature`. */
export function signaturePayload(document: Readonly<Record<string, unknown>>): string {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) if (key !== "signature") rest[key] = value;
  return canonicalJson(rest);
}

/** Hex HMAC-SHA256 of the document's signature payload. */
export function computeSignature(document: Readonly<Record<string, unknown>>, secret: Uint8Array): string {
  return createHmac("sha256", secret).update(signaturePayload(document), "utf8").digest("hex");
}

/** Returns a copy of the document with `signature` added or replaced (as its last member). */
export function signArtifact(
  document: Readonly<Record<string, unknown>>,
  key: HmacKey,
): Record<string, unknown> & { signature: { alg: string; key_id: string; value: string } } {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(document)) if (k !== "signature") rest[k] = v;
  return { ...rest, signature: { alg: SIGNATURE_ALG, key_id: key.id, value: computeSignature(rest, key.secret) } };
}
