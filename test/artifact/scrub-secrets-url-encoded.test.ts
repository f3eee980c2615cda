import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../../src/artifact/scrub-secrets.js";

// Fake credentials, assembled at run time so no token-shaped literal sits in the repository.
const fill = (n: number, seed: string): string => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);
const opaque = "Op4que" + fill(26, "Tk7x") + "+/" + fill(6, "Zq2");
const basic = Buffer.from("deploy:Enc0ded-Pw").toString("base64");
const jwt = "eyJ" + "hbGciOiJIUzI1NiJ9" + "." + "eyJ" + "zdWIiOiJlbmNvZGVkIn0" + "." + fill(43, "Sg9_w-");
const ghp = "ghp_" + fill(36, "En9c");

/** A base64 token68 with a digit, as a Bearer or Basic value holds. */
const token68 = fc.stringMatching(/^[A-Za-z0-9+/]{19,60}[0-9]={0,2}$/);

describe("scrubSecrets on URL-encoded text", () => {
  it("redacts URL-encoded Authorization values and keeps the header name, the scheme and the text around them", () => {
    const cases: [string, string][] = [
      [
        `GET /cb?h=Authorization%3A%20Bearer%20${encodeURIComponent(opaque)}&x=1 HTTP/1.1`,
        "GET /cb?h=Authorization%3A%20Bearer%20[REDACTED:authorization]&x=1 HTTP/1.1",
      ],
      [`q=authorization%3Dbasic%20${encodeURIComponent(basic)}&next=1`, "q=authorization%3Dbasic%20[REDACTED:authorization]&next=1"],
      [`h=AUTHORIZATION%3a%20BEARER%20${encodeURIComponent(opaque).toLowerCase()}`, "h=AUTHORIZATION%3a%20BEARER%20[REDACTED:authorization]"],
      [
        `body=%7B%22Authorization%22%3A%22token%20${encodeURIComponent(opaque)}%22%7D`,
        "body=%7B%22Authorization%22%3A%22token%20[REDACTED:authorization]%22%7D",
      ],
      [`authorization=Bearer+${encodeURIComponent(opaque)}&state=2`, "authorization=Bearer+[REDACTED:authorization]&state=2"],
      [`u=Proxy-Authorization%253A%2520Basic%2520${encodeURIComponent(encodeURIComponent(basic))}`, "u=Proxy-Authorization%253A%2520Basic%2520[REDACTED:authorization]"],
      [`line Authorization%3A%20${fill(24, "Nk8s")} end`, "line Authorization%3A%20[REDACTED:authorization] end"],
    ];
    for (const [text, expected] of cases) expect(scrubSecrets(text), text).toBe(expected);
  });

  it("redacts URL-encoded Bearer and Basic credentials without a header name", () => {
    expect(scrubSecrets(`auth=Bearer%20${encodeURIComponent(opaque)}&x`)).toBe("auth=Bearer%20[REDACTED:bearer-token]&x");
    expect(scrubSecrets(`auth=Bearer+${encodeURIComponent(opaque)}`)).toBe("auth=Bearer+[REDACTED:bearer-token]");
    expect(scrubSecrets(`h=Basic%20${encodeURIComponent(basic)}%0A`)).toBe("h=Basic%20[REDACTED:basic-auth]%0A");
  });

  it("redacts URL-encoded query string credentials, up to the encoded & that ends them", () => {
    const value = "Qv9" + fill(20, "Ab3") + "%2B" + fill(4, "Cd5");
    const cases: [string, string][] = [
      [`next=https%3A%2F%2Fapp.example%2Fcb%3Faccess_token%3D${value}%26state%3D7`, "next=https%3A%2F%2Fapp.example%2Fcb%3Faccess_token%3D[REDACTED:url-query-secret]%26state%3D7"],
      [`GET /login?r=%2Fx%3Fpassword%3D${value} HTTP/1.1`, "GET /login?r=%2Fx%3Fpassword%3D[REDACTED:url-query-secret] HTTP/1.1"],
      [`r=%2Fx%253Fapi_key%253D${value}%2526p%253D1`, "r=%2Fx%253Fapi_key%253D[REDACTED:url-query-secret]%2526p%253D1"],
      [`token%3D${value}%20next`, "token%3D[REDACTED:url-query-secret]%20next"],
    ];
    for (const [text, expected] of cases) expect(scrubSecrets(text), text).toBe(expected);
  });

  it("finds vendor tokens right after a percent escape and types them by vendor", () => {
    expect(scrubSecrets(`r=%2Fcb%3Faccess_token%3D${ghp}%26s%3D1`)).toBe("r=%2Fcb%3Faccess_token%3D[REDACTED:github-token]%26s%3D1");
    expect(scrubSecrets(`h=Authorization%3A%20Bearer%20${jwt}`)).toBe("h=Authorization%3A%20Bearer%20[REDACTED:jwt]");
    expect(scrubSecrets(`r=%2Fcb%23id_token%3D${jwt}%26x`)).toBe("r=%2Fcb%23id_token%3D[REDACTED:jwt]%26x");
    const hf = "hf_" + fill(34, "HugEnc");
    expect(scrubSecrets(`x%3D${hf}`)).toBe("x%3D[REDACTED:huggingface-token]");
  });

  it("redacts secrets that only show once the text is decoded, and keeps the rest encoded", () => {
    const hook = "https://hooks.slack" + ".com/services/T" + fill(8, "QW3E") + "/B" + fill(8, "RT4Y") + "/" + fill(24, "Uk5m");
    const cases: [string, string][] = [
      [`cb=${encodeURIComponent(hook)}&state=1`, "cb=[REDACTED:slack-webhook-url]&state=1"],
      [`cb=${encodeURIComponent(encodeURIComponent(hook))}&state=1`, "cb=[REDACTED:slack-webhook-url]&state=1"],
      [
        `u=${encodeURIComponent("https://deploy:Enc0ded-Passw0rd@db.example.com/x")}&y=1`,
        "u=https%3A%2F%2Fdeploy%3A[REDACTED:url-password]%40db.example.com%2Fx&y=1",
      ],
      [
        `dsn=${encodeURIComponent(encodeURIComponent("postgres://app:Enc0ded-Passw0rd@db.internal:5432/prod"))}`,
        "dsn=postgres%253A%252F%252Fapp%253A[REDACTED:url-password]%2540db.internal%253A5432%252Fprod",
      ],
      [`x=${ghp.replace("_", "%5F")}&y=1`, "x=[REDACTED:github-token]&y=1"],
      [`x=${ghp.replace("_", "%5f").replace("g", "%67")} end`, "x=[REDACTED:github-token] end"],
    ];
    for (const [text, expected] of cases) {
      expect(scrubSecrets(text), text).toBe(expected);
      expect(scrubSecrets(expected)).toBe(expected);
    }
  });

  it("never leaves a secret in text whose characters are escaped, any of them, once or twice, and is idempotent (property)", () => {
    const secrets = [
      ghp,
      jwt,
      "xox" + "b-" + "123456789012-1234567890123-" + fill(24, "Sl4k"),
      "AKIA" + "IOSFODNN7EXAMPLX",
      "npm_" + fill(36, "x8Y"),
      "sk_" + "live_" + fill(24, "4eC3"),
      "https://hooks.slack" + ".com/services/T" + fill(8, "QW3E") + "/B" + fill(8, "RT4Y") + "/" + fill(24, "Uk5m"),
      "https://deploy:Enc0ded-Passw0rd@db.example.com/x",
    ];
    /** Each character escaped where `escape` says so (a character may always be written as its escape). */
    const encode = (text: string, escape: readonly boolean[]): string =>
      [...text].map((c, i) => (escape[i % escape.length] === true || !/[A-Za-z0-9._~-]/.test(c) ? `%${c.charCodeAt(0).toString(16).padStart(2, "0").toUpperCase()}` : c)).join("");
    const decode = (text: string): string => text.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    fc.assert(
      fc.property(fc.constantFrom(...secrets), fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), fc.constantFrom(1, 2), (secret, escape, times) => {
        const inner = `https://app.example/hook?to=${secret}&s=1`;
        expect(scrubSecrets(inner)).not.toContain(secret);
        let encoded = inner;
        for (let i = 0; i < times; i++) encoded = encode(encoded, escape);
        const out = scrubSecrets(`GET /login?next=${encoded} HTTP/1.1`);
        let decoded = out;
        for (let i = 0; i < times; i++) decoded = decode(decoded);
        expect(decoded).not.toContain(secret);
        expect(decoded).toContain("[REDACTED:");
        expect(decoded.startsWith("GET /login?next=https://app.example/hook?to=")).toBe(true);
        expect(decoded.endsWith("&s=1 HTTP/1.1")).toBe(true);
        expect(scrubSecrets(out)).toBe(out);
      }),
      { numRuns: 500 },
    );
  });

  it("leaves URL-encoded text without credentials alone", () => {
    for (const text of [
      "q=Use%20Bearer%20authentication%20for%20the%20API",
      "authorization%3Drequired",
      "h=Authorization%3A%20Bearer%20",
      "next=%2Fsearch%3Fq%3Dtoken%26page%3D2",
      "r=%2Fcb%3Faccess_token%3D%24%7BTOKEN%7D",
      "q=Basic%20usage",
      "https://example.com/a%20b?x=1",
      "x%3DeyJhbGciOiJIUzI1NiJ9",
      "cache_key%3Dabcdef0123456789",
    ]) {
      expect(scrubSecrets(text), text).toBe(text);
    }
  });

  it("redacts a header URL-encoded as it redacts the header itself (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom("Bearer", "Basic", "token", "bearer"), token68, fc.constantFrom(1, 2), (scheme, token, times) => {
        const header = `Authorization: ${scheme} ${token}`;
        let encoded = header;
        for (let i = 0; i < times; i++) encoded = encodeURIComponent(encoded);
        const out = scrubSecrets(`GET /x?h=${encoded}&y=1`);
        let decoded = out;
        for (let i = 0; i < times; i++) decoded = decodeURIComponent(decoded);
        expect(decoded).toBe(`GET /x?h=${scrubSecrets(header)}&y=1`);
        expect(scrubSecrets(out)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });

  it("redacts a form-encoded Authorization field as it redacts the header (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom("Bearer", "Basic"), token68, (scheme, token) => {
        const form = new URLSearchParams({ user: "ci", authorization: `${scheme} ${token}`, next: "/home" }).toString();
        const out = new URLSearchParams(scrubSecrets(form));
        expect(out.get("authorization")).toBe(`${scheme} [REDACTED:authorization]`);
        expect(out.get("user")).toBe("ci");
        expect(out.get("next")).toBe("/home");
      }),
      { numRuns: 300 },
    );
  });

  it("never leaves a query string credential in URL-encoded text, and is idempotent (property)", () => {
    const value = fc.stringMatching(/^[A-Za-z0-9._~+/=-]{1,40}$/);
    const name = fc.constantFrom("access_token", "token", "password", "api_key", "client_secret");
    fc.assert(
      fc.property(name, value, fc.constantFrom(1, 2), (key, secret, times) => {
        let inner = `https://app.example/cb?${key}=${secret}&state=1`;
        for (let i = 0; i < times; i++) inner = encodeURIComponent(inner);
        const out = scrubSecrets(`GET /login?next=${inner} HTTP/1.1`);
        let decoded = out;
        for (let i = 0; i < times; i++) decoded = decodeURIComponent(decoded);
        expect(decoded).toContain(`?${key}=[REDACTED:`);
        expect(decoded).toContain("&state=1 HTTP/1.1");
        expect(scrubSecrets(out)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });

  it("is idempotent on arbitrary URL-encoded text mixed with credentials (property)", () => {
    const pieces = fc.constantFrom(
      "Authorization%3A%20",
      "authorization=",
      "Bearer%20",
      "Bearer+",
      "Basic%20",
      "%3D",
      "%20",
      "%26",
      "%22",
      "access_token%3D",
      "token%253D",
      "+",
      encodeURIComponent(opaque),
      encodeURIComponent(basic),
      jwt,
      ghp,
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 12 }), pieces), { maxLength: 25 }), (parts) => {
        const once = scrubSecrets(parts.join(""));
        expect(scrubSecrets(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});
