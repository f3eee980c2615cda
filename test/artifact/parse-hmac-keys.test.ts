import { describe, expect, it } from "vitest";
import { parseHmacKeys } from "../../src/artifact/parse-hmac-keys.js";

describe("parseHmacKeys", () => {
  it("reads hex and base64 secrets", () => {
    const result = parseHmacKeys("a:00ff10, b:aGVsbG8=,c:aGVsbG8,d:_-8");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.keys.map((k) => k.id)).toEqual(["a", "b", "c", "d"]);
    expect(Buffer.from(result.keys[0]!.secret).toString("hex")).toBe("00ff10");
    expect(Buffer.from(result.keys[1]!.secret).toString("utf8")).toBe("hello");
    expect(Buffer.from(result.keys[2]!.secret).toString("utf8")).toBe("hello");
    expect(Buffer.from(result.keys[3]!.secret).toString("hex")).toBe("ffef");
  });

  it("treats odd-length hex digits as base64", () => {
    const result = parseHmacKeys("a:abc");
    expect(result.ok && Buffer.from(result.keys[0]!.secret).toString("base64")).toBe("abc=");
  });

  it("is empty when unset", () => {
    expect(parseHmacKeys(undefined)).toEqual({ ok: true, keys: [] });
    expect(parseHmacKeys("  ")).toEqual({ ok: true, keys: [] });
  });

  it.each([
    ["k1:00ff,TOPSECRETVALUE", "entry 2 has no ':'"],
    ["k1:00ff,,k2:00ff", "entry 2 is empty"],
    ["k1:00ff,k1:11ff", 'entry 2 (key id "k1") repeats a key id'],
    ["k1:", 'entry 1 (key id "k1") has an empty secret'],
    ["k1:not*base64!SECRET", 'entry 1 (key id "k1"): secret is neither hex (even length) nor base64'],
    ["bad id:00ff", "entry 1 has an invalid key id"],
  ])("rejects %j with a message naming the entry but not the secret", (value, expected) => {
    const result = parseHmacKeys(value);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(expected);
    expect(result.error).not.toMatch(/SECRET|TOPSECRETVALUE|not\*base64/);
  });
});
