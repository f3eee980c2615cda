/** One HMAC key from `AUDIT_HMAC_KEYS`. */
export interface HmacKey {
  readonly id: string;
  readonly secret: Uint8Array;
}

export type ParseHmacKeysResult = { ok: true; keys: HmacKey[] } | { ok: false; errors: string[] };

/** Shortest secret accepted, in bytes after decoding: the output size of SHA-256. */
export const MIN_HMAC_KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9._-]{1,128}$/;
const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const HOW_TO_MAKE = "make one with `openssl rand -hex 32`";

type DecodedSecret = { ok: true; bytes: Uint8Array } | { ok: false; problem: string };

function decodeSecret(secret: string): DecodedSecret {
  if (HEX.test(secret) && secret.length % 2 === 0) return { ok: true, bytes: Uint8Array.from(Buffer.from(secret, "hex")) };
  const notEncoded: DecodedSecret = {
    ok: false,
    problem: `secret is neither hex (even length) nor base64; ${HOW_TO_MAKE}`,
  };
  if (!BASE64.test(secret)) return notEncoded;
  const unpadded = secret.replace(/=+$/, "");
  if (unpadded.length % 4 === 1) return notEncoded;
  if (secret.length !== unpadded.length && secret.length % 4 !== 0) return notEncoded;
  const alphabet = /[-_]/.test(unpadded) ? "base64url" : "base64";
  if (alphabet === "base64url" && /[+/]/.test(unpadded)) return notEncoded;
  const bytes = Buffer.from(unpadded, alphabet);
  // Base64 whose unused trailing bits are set decodes "successfully" to other bytes than the
  // producer meant; only a secret that encodes back to itself is the one they sign with.
  if (bytes.toString(alphabet).replace(/=+$/, "") !== unpadded) {
    return {
      ok: false,
      problem: `secret is not canonical base64 (it does not encode back to itself); re-encode the key bytes, or ${HOW_TO_MAKE}`,
    };
  }
  return { ok: true, bytes: Uint8Array.from(bytes) };
}

/**
 * Parses `AUDIT_HMAC_KEYS`: comma-separated `key_id:secret` pairs. A secret made only
 * of hex digits with an even length is hex-decoded; any other secret is canonical base64
 * (standard or URL-safe alphabet, padding optional). Every secret must hold at least
 * `MIN_HMAC_KEY_BYTES` bytes. Unset or empty means no keys. Every bad entry is reported,
 * by position and key id, never by its secret.
 */
export function parseHmacKeys(value: string | undefined): ParseHmacKeysResult {
  const keys: HmacKey[] = [];
  const errors: string[] = [];
  if (value === undefined || value.trim() === "") return { ok: true, keys };
  const seenIds = new Set<string>();
  for (const [index, rawEntry] of value.split(",").entries()) {
    const position = index + 1;
    const entry = rawEntry.trim();
    if (entry === "") {
      errors.push(`AUDIT_HMAC_KEYS entry ${position} is empty; remove the extra comma`);
      continue;
    }
    const colon = entry.indexOf(":");
    if (colon < 0) {
      errors.push(`AUDIT_HMAC_KEYS entry ${position} has no ':' (expected key_id:secret)`);
      continue;
    }
    const id = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) {
      errors.push(`AUDIT_HMAC_KEYS entry ${position} has an invalid key id (expected 1–128 letters, digits, '.', '_' or '-')`);
      continue;
    }
    const label = `AUDIT_HMAC_KEYS entry ${position} (key id "${id}")`;
    const repeated = seenIds.has(id);
    seenIds.add(id);
    if (repeated) {
      errors.push(`${label} repeats a key id; give each key its own id`);
      continue;
    }
    if (secret === "") {
      errors.push(`${label} has an empty secret`);
      continue;
    }
    const decoded = decodeSecret(secret);
    if (!decoded.ok) {
      errors.push(`${label}: ${decoded.problem}`);
      continue;
    }
    if (decoded.bytes.length < MIN_HMAC_KEY_BYTES) {
      errors.push(
        `${label}: secret is ${decoded.bytes.length} bytes after decoding, at least ${MIN_HMAC_KEY_BYTES} are required; ${HOW_TO_MAKE}`,
      );
      continue;
    }
    keys.push({ id, secret: decoded.bytes });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, keys };
}
