import { createHmac } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import type { HmacKey } from "./parse-hmac-keys.js";
import { writeCanonicalJson } from "./write-canonical-json.js";

export const SIGNATURE_ALG = "hmac-sha256";

/** The document's members other than `signature`, in their order: what is signed. */
function unsignedMembers(document: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) if (key !== "signature") rest[key] = value;
  return rest;
}

/** The exact text that is signed: RFC 8785 canonical JSON of the document without `signature`. */
export function signaturePayload(document: Readonly<Record<string, unknown>>): string {
  return canonicalJson(unsignedMembers(document));
}

/**
 * Hex HMAC-SHA256 of the document's signature payload. The payload is written to the HMAC in
 * chunks as it is produced (the same bytes as `signaturePayload`), so a large artifact's
 * canonical text, as long as the artifact, is never held at once.
 */
export function computeSignature(document: Readonly<Record<string, unknown>>, secret: Uint8Array): string {
  const hmac = createHmac("sha256", secret);
  writeCanonicalJson(unsignedMembers(document), hmac);
  return hmac.digest("hex");
}

/** Returns a copy of the document with `signature` added or replaced (as its last member). */
export function signArtifact(
  document: Readonly<Record<string, unknown>>,
  key: HmacKey,
): Record<string, unknown> & { signature: { alg: string; key_id: string; value: string } } {
  const rest = unsignedMembers(document);
  return { ...rest, signature: { alg: SIGNATURE_ALG, key_id: key.id, value: computeSignature(rest, key.secret) } };
}
