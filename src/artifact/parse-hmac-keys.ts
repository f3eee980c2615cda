/** One HMAC key from `AUDIT_HMAC_KEYS`. */
export interface HmacKey {
  readonly id: string;
  readonly secret: Uint8Array;
}

export type ParseHmacKeysResult = { ok: true; keys: HmacKey[] } | { ok: false; error: string };

const KEY_ID = /^[A-Za-z0-9._-]{1,128}$/;
const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function decodeSecret(secret: string): Uint8Array | undefined {
  if (HEX.test(secret) && secret.length % 2 === 0) return Uint8Array.from(Buffer.from(secret, "hex"));
  if (!BASE64.test(secret)) return undefined;
  const unpadded = secret.replace(/=+$/, "");
  if (unpadded.length % 4 === 1) return undefined;
  if (secret.length !== unpadded.length && secret.length % 4 !== 0) return undefined;
  const alphabet = /[-_]/.test(unpadded) ? "base64url" : "base64";
  if (alphabet === "base64url" && /[+/]/.test(unpadded)) return undefined;
  return Uint8Array.from(Buffer.from(unpadded, alphabet));
}

/**
 * Parses `AUDIT_HMAC_KEYS`: comma-separated `key_id:secret` pairs. A secret made only
 * of hex digits with an even length is hex-decoded; any other secret is base64
 * (standard or URL-safe alphabet). Unset or empty means no keys. Errors name the
 * entry by position and key id, never by its secret.
 */
export function parseHmacKeys(value: string | undefined): ParseHmacKeysResult {
  const keys: HmacKey[] = [];
  if (value === undefined || value.trim() === "") return { ok: true, keys };
  const entries = value.split(",");
  for (const [index, rawEntry] of entries.entries()) {
    const position = index + 1;
    const entry = rawEntry.trim();
    if (entry === "") return { ok: false, error: `AUDIT_HMAC_KEYS entry ${position} is empty` };
    const colon = entry.indexOf(":");
    if (colon < 0) {
      return { ok: false, error: `AUDIT_HMAC_KEYS entry ${position} has no ':' (expected key_id:secret)` };
    }
    const id = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) {
      return {
        ok: false,
        error: `AUDIT_HMAC_KEYS entry ${position} has an invalid key id (expected 1–128 letters, digits, '.', '_' or '-')`,
      };
    }
    const label = `AUDIT_HMAC_KEYS entry ${position} (key id "${id}")`;
    if (keys.some((key) => key.id === id)) return { ok: false, error: `${label} repeats a key id` };
    if (secret === "") return { ok: false, error: `${label} has an empty secret` };
    const bytes = decodeSecret(secret);
    if (bytes === undefined || bytes.length === 0) {
      return { ok: false, error: `${label}: secret is neither hex (even length) nor base64` };
    }
    keys.push({ id, secret: bytes });
  }
  return { ok: true, keys };
}
