import { describe, expect, it } from "vitest";
import { MIN_HMAC_KEY_BYTES, parseHmacKeys } from "../../src/artifact/parse-hmac-keys.js";

const bytes = (length: number, fill: number): Buffer => Buffer.alloc(length, fill);
const HEX_32 = bytes(32, 0xa5).toString("hex");
const BASE64_33 = bytes(33, 0x5a).toString("base64");

describe("parseHmacKeys", () => {
  it("reads hex, base64 and URL-safe base64 secrets of at least 32 bytes", () => {
    const url = Buffer.from([0xff, 0xef, ...bytes(31, 0xfb)]);
    const unpadded = bytes(32, 0x61).toString("base64").replace(/=+$/, "");
    const result = parseHmacKeys(`a:${HEX_32}, b:${BASE64_33},c:${unpadded},d:${url.toString("base64url")}`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.keys.map((k) => k.id)).toEqual(["a", "b", "c", "d"]);
    expect(Buffer.from(result.keys[0]!.secret).toString("hex")).toBe(HEX_32);
    expect(Buffer.from(result.keys[1]!.secret)).toEqual(bytes(33, 0x5a));
    expect(Buffer.from(result.keys[2]!.secret)).toEqual(bytes(32, 0x61));
    expect(Buffer.from(result.keys[3]!.secret)).toEqual(url);
  });

  it("treats an odd number of hex digits as base64", () => {
    const digits = `${"a".repeat(42)}c`; // 43 hex digits: base64 of 32 bytes
    const result = parseHmacKeys(`a:${digits}`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Buffer.from(result.keys[0]!.secret)).toEqual(Buffer.from(digits, "base64"));
    expect(result.keys[0]!.secret).toHaveLength(32);
  });

  it("is empty when unset", () => {
    expect(parseHmacKeys(undefined)).toEqual({ ok: true, keys: [] });
    expect(parseHmacKeys("  ")).toEqual({ ok: true, keys: [] });
  });

  it("refuses secrets shorter than 32 bytes after decoding, naming the key id and position", () => {
    const shortHex = "00112233445566778899aabbccddeeff"; // 16 bytes
    const shortBase64 = Buffer.from("second-key-secret-bytes").toString("base64"); // 23 bytes
    const result = parseHmacKeys(`ok:${HEX_32},short1:${shortHex},short2:${shortBase64}`);
    expect(result).toEqual({
      ok: false,
      errors: [
        `AUDIT_HMAC_KEYS entry 2 (key id "short1"): secret is 16 bytes after decoding, at least ${MIN_HMAC_KEY_BYTES} are required; make one with \`openssl rand -hex 32\``,
        `AUDIT_HMAC_KEYS entry 3 (key id "short2"): secret is 23 bytes after decoding, at least ${MIN_HMAC_KEY_BYTES} are required; make one with \`openssl rand -hex 32\``,
      ],
    });
  });

  it("accepts exactly 32 bytes and refuses 31", () => {
    expect(parseHmacKeys(`k:${bytes(32, 1).toString("base64")}`).ok).toBe(true);
    expect(parseHmacKeys(`k:${bytes(31, 1).toString("base64")}`).ok).toBe(false);
  });

  it("refuses base64 that does not encode back to itself", () => {
    const canonical = BASE64_33; // 44 characters, no padding: the last character carries 6 bits
    const twoBytesTail = bytes(34, 0x5a).toString("base64"); // ends in "==", last data char has 4 unused bits
    const nonCanonical = `${twoBytesTail.slice(0, -3)}${String.fromCharCode(twoBytesTail.charCodeAt(twoBytesTail.length - 3) + 1)}==`;
    expect(Buffer.from(nonCanonical, "base64")).toEqual(bytes(34, 0x5a)); // decodes to the same bytes…
    expect(parseHmacKeys(`good:${canonical}`).ok).toBe(true);
    const result = parseHmacKeys(`good:${canonical},bad:${nonCanonical}`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      'AUDIT_HMAC_KEYS entry 2 (key id "bad"): secret is not canonical base64 (it does not encode back to itself); re-encode the key bytes, or make one with `openssl rand -hex 32`',
    ]);
    expect(result.errors.join("\n")).not.toContain(nonCanonical);
  });

  it("reports every bad entry at once, never the secrets", () => {
    const secrets = ["TOPSECRETVALUE", "not*base64!SECRET", "00ff00ff00ff00ff"];
    const result = parseHmacKeys(
      [`k1:${HEX_32}`, secrets[0], "", `k1:${HEX_32}`, "k3:", `k4:${secrets[1]}`, `bad id:${HEX_32}`, `k5:${secrets[2]}`].join(","),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      "AUDIT_HMAC_KEYS entry 2 has no ':' (expected key_id:secret)",
      "AUDIT_HMAC_KEYS entry 3 is empty; remove the extra comma",
      'AUDIT_HMAC_KEYS entry 4 (key id "k1") repeats a key id; give each key its own id',
      'AUDIT_HMAC_KEYS entry 5 (key id "k3") has an empty secret',
      'AUDIT_HMAC_KEYS entry 6 (key id "k4"): secret is neither hex (even length) nor base64; make one with `openssl rand -hex 32`',
      "AUDIT_HMAC_KEYS entry 7 has an invalid key id (expected 1–128 letters, digits, '.', '_' or '-')",
      `AUDIT_HMAC_KEYS entry 8 (key id "k5"): secret is 8 bytes after decoding, at least ${MIN_HMAC_KEY_BYTES} are required; make one with \`openssl rand -hex 32\``,
    ]);
    const text = result.errors.join("\n");
    for (const secret of [...secrets, HEX_32]) expect(text).not.toContain(secret);
  });
});
