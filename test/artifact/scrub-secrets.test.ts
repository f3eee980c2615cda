import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { containsSecret, scrubSecrets, SECRET_KINDS } from "../../src/artifact/scrub-secrets.js";
import { SECRET_EXAMPLES } from "../support/secret-corpus.js";

// Fake secrets, assembled at run time so no token-shaped literal sits in the repository.
const alnum = (n: number, seed = "aB3"): string => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);
const fake = {
  ghp: "ghp_" + alnum(36),
  gho: "gho_" + alnum(36, "Zy9"),
  ghu: "ghu_" + alnum(36, "k7Q"),
  ghs: "ghs_" + alnum(36, "m2N"),
  ghr: "ghr_" + alnum(36, "r5T"),
  pat: "github_" + "pat_" + alnum(22, "A1b") + "_" + alnum(59, "c2D"),
  akia: "AKIA" + "IOSFODNN7EXAMPLX",
  asia: "ASIA" + "Y34FZKBOKMUTVV7A",
  awsSecret: alnum(20, "wJalr") + "/" + alnum(19, "K7MDE"),
  jwt:
    "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "." + "eyJ" + "zdWIiOiIxMjM0NTY3ODkwIn0" + "." + alnum(43, "SflK_w-"),
  slackBot: "xox" + "b-" + "123456789012-1234567890123-" + alnum(24),
  slackUser: "xox" + "p-" + "123456789012-1234567890123-" + alnum(32),
  slackHook: "https://hooks.slack" + ".com/services/T" + alnum(8, "ABC1") + "/B" + alnum(8, "DEF2") + "/" + alnum(24),
  npm: "npm_" + alnum(36, "x8Y"),
  google: "AI" + "za" + alnum(35, "Sy-_D"),
  stripe: "sk_" + "live_" + alnum(24, "4eC3"),
  pem:
    "-----BEGIN RSA " + "PRIVATE KEY-----\n" + alnum(64, "MIIE") + "\n" + alnum(64, "pAIB") + "\n-----END RSA " + "PRIVATE KEY-----",
};

describe("scrubSecrets", () => {
  const tokens: [string, string, string][] = [
    ["github-token", "ghp", fake.ghp],
    ["github-token", "gho", fake.gho],
    ["github-token", "ghu", fake.ghu],
    ["github-token", "ghs", fake.ghs],
    ["github-token", "ghr", fake.ghr],
    ["github-token", "github_pat", fake.pat],
    ["aws-access-key-id", "AKIA", fake.akia],
    ["aws-access-key-id", "ASIA", fake.asia],
    ["jwt", "JWT", fake.jwt],
    ["slack-token", "xoxb", fake.slackBot],
    ["slack-token", "xoxp", fake.slackUser],
    ["slack-webhook-url", "Slack webhook", fake.slackHook],
    ["npm-token", "npm", fake.npm],
    ["google-api-key", "Google API key", fake.google],
    ["stripe-key", "Stripe live key", fake.stripe],
  ];

  it.each(tokens)("replaces a %s (%s) with its typed placeholder", (kind, _label, token) => {
    const text = `const value = "${token}"; // used in CI`;
    const out = scrubSecrets(text);
    expect(out).not.toContain(token);
    expect(out).toContain(`[REDACTED:${kind}]`);
    expect(out.startsWith("const value = ")).toBe(true);
    expect(out.endsWith("; // used in CI")).toBe(true);
    expect(containsSecret(text)).toBe(true);
    expect(containsSecret(out)).toBe(false);
  });

  it("finds tokens that touch punctuation, other text or the ends of the text", () => {
    for (const token of [fake.ghp, fake.akia, fake.npm, fake.google, fake.slackBot, fake.stripe]) {
      for (const text of [token, `(${token})`, `'${token}',`, `x=${token}\n`, `${fake.asia}${token}`]) {
        expect(scrubSecrets(text)).not.toContain(token);
      }
    }
  });

  it("redacts an AWS secret access key in an assignment and keeps the key name", () => {
    for (const text of [
      `aws_secret_access_key = ${fake.awsSecret}`,
      `AWS_SECRET_ACCESS_KEY="${fake.awsSecret}"`,
      `secretAccessKey: '${fake.awsSecret}'`,
    ]) {
      const out = scrubSecrets(text);
      expect(out).not.toContain(fake.awsSecret);
      expect(out).toContain("[REDACTED:aws-secret-access-key]");
      expect(out.toLowerCase()).toMatch(/secret_?access_?key/);
    }
  });

  it("redacts a whole private key block", () => {
    const text = `key = """\n${fake.pem}\n"""\nnext_line()`;
    const out = scrubSecrets(text);
    expect(out).toBe(`key = """\n[REDACTED:private-key]\n"""\nnext_line()`);
  });

  it("redacts a private key block cut off before its END line, to the end of the text", () => {
    for (const header of ["OPENSSH", "EC", "ENCRYPTED", ""]) {
      const begin = `-----BEGIN ${header}${header === "" ? "" : " "}PRIVATE KEY-----`;
      const text = `x = "${begin}\\n${alnum(70, "b3Bl")}\\n${alnum(30)}`;
      const out = scrubSecrets(text);
      expect(out).toBe('x = "[REDACTED:private-key]');
    }
  });

  it("redacts the password of a URL and keeps user and host", () => {
    const out = scrubSecrets("DATABASE_URL=postgres://app:" + "s3cr3t-Pa55@db.internal:5432/app");
    expect(out).toBe("DATABASE_URL=postgres://app:[REDACTED:url-password]@db.internal:5432/app");
    expect(scrubSecrets("redis://:" + "hunter2@cache:6379")).toBe("redis://:[REDACTED:url-password]@cache:6379");
  });

  it("leaves URLs without a password alone", () => {
    for (const text of ["https://github.com/o/r/blob/main/x.ts#L1", "http://localhost:8080/path", "git@github.com:o/r.git"]) {
      expect(scrubSecrets(text)).toBe(text);
    }
  });

  it("redacts generic password/secret/token/api_key assignments with a quoted or long value", () => {
    const cases: [string, string][] = [
      ['password = "hunter2"', 'password = "[REDACTED:password]"'],
      ["DB_PASSWORD='correct horse'", "DB_PASSWORD='[REDACTED:password]'"],
      ['"client_secret": "abc"', '"client_secret": "[REDACTED:secret]"'],
      ["api_key=" + alnum(24, "Qw9"), "api_key=[REDACTED:api-key]"],
      ["apiKey: " + alnum(16, "Ty7"), "apiKey: [REDACTED:api-key]"],
      ["GITHUB_TOKEN := " + alnum(20, "zz1"), "GITHUB_TOKEN := [REDACTED:token]"],
      ['token => "a\\"b"', 'token => "[REDACTED:token]"'],
    ];
    for (const [text, expected] of cases) expect(scrubSecrets(text)).toBe(expected);
  });

  it("keeps short unquoted values and code that only names a secret", () => {
    for (const text of [
      "token_count = 5",
      "password: process.env.DB_PASSWORD",
      "const token = getToken();",
      "secret: ${{ secrets.DEPLOY_KEY }}",
      "if (password === undefined) return;",
    ]) {
      expect(scrubSecrets(text)).toBe(text);
    }
  });

  it("types a token inside an assignment by its vendor and does not redact it twice", () => {
    const out = scrubSecrets(`GITHUB_TOKEN="${fake.ghp}"`);
    expect(out).toBe('GITHUB_TOKEN="[REDACTED:github-token]"');
  });

  it("is idempotent", () => {
    const { awsSecret: _onlyInAssignments, ...standalone } = fake;
    const all = Object.values(standalone).join("\n password=" + '"x"' + " ");
    const once = scrubSecrets(all);
    expect(scrubSecrets(once)).toBe(once);
    for (const token of Object.values(standalone)) expect(once).not.toContain(token);
  });

  it("is idempotent on arbitrary text mixed with secrets (property)", () => {
    const pieces = fc.constantFrom(...Object.values(fake), "password=", '"', "'", "://", ":", "@", " ", "\n", "=");
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 20 }), pieces), { maxLength: 30 }), (parts) => {
        const once = scrubSecrets(parts.join(""));
        expect(scrubSecrets(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it("leaves ordinary code untouched", () => {
    const text = 'import { x } from "./y.js";\nexport const eyJ = 1; // see ghp_ docs and AKIA prefixes\n';
    expect(scrubSecrets(text)).toBe(text);
    expect(containsSecret(text)).toBe(false);
  });

  describe("every detected kind", () => {
    it("has an example in the corpus", () => {
      const covered = new Set(SECRET_EXAMPLES.map((e) => e.kind));
      expect(SECRET_KINDS.map((k) => k.kind).filter((kind) => !covered.has(kind))).toEqual([]);
      for (const { name } of SECRET_KINDS) expect(name.length).toBeGreaterThan(5);
    });

    it("is listed in the README", async () => {
      const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
      const section = readme.slice(readme.indexOf("**Secrets detected**"));
      expect(SECRET_KINDS.map((k) => k.kind).filter((kind) => !section.includes(`\`${kind}\``))).toEqual([]);
    });

    const placements: [string, (text: string) => string][] = [
      ["alone", (text) => text],
      ["in a line of code", (text) => `config = load()\n${text}\nnext(config)`],
      ["in a path", (text) => `deploy/${text}.txt`],
    ];
    for (const [where, place] of placements) {
      it.each(SECRET_EXAMPLES.map((e) => [e.kind, e] as const))(`redacts a %s ${where}`, (kind, { text, secrets }) => {
        const input = place(text);
        const out = scrubSecrets(input);
        for (const secret of secrets) expect(out).not.toContain(secret);
        expect(out).toContain(`[REDACTED:${kind}]`);
        expect(scrubSecrets(out)).toBe(out);
        expect(containsSecret(input)).toBe(true);
      });
    }
  });

  it("redacts Azure connection strings and SAS URLs and keeps the rest of them", () => {
    const key = alnum(86, "Kq9+/") + "==";
    expect(scrubSecrets(`DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${key};EndpointSuffix=core.windows.net`)).toBe(
      "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=[REDACTED:azure-storage-key];EndpointSuffix=core.windows.net",
    );
    expect(scrubSecrets("https://acct.blob.core.windows.net/c/x.zip?sv=2022-11-02&sp=r&sig=" + alnum(30, "Ab1%2B") + "&se=2030")).toBe(
      "https://acct.blob.core.windows.net/c/x.zip?sv=2022-11-02&sp=r&sig=[REDACTED:azure-sas]&se=2030",
    );
    expect(scrubSecrets("SharedAccessSignature=sv=2022-11-02&sig=" + alnum(30, "Zz2") + ";BlobEndpoint=https://a.example/")).toBe(
      "SharedAccessSignature=[REDACTED:azure-sas];BlobEndpoint=https://a.example/",
    );
  });

  it("redacts Authorization values in headers, JSON, calls and curl, and keeps the scheme", () => {
    const token = alnum(32, "Tq5");
    const cases: [string, string][] = [
      [`Authorization: Bearer ${token}`, "Authorization: Bearer [REDACTED:authorization]"],
      [`Authorization: Basic ${Buffer.from("user:pw").toString("base64")}`, "Authorization: Basic [REDACTED:authorization]"],
      [`"authorization": "token ${token}"`, '"authorization": "token [REDACTED:authorization]"'],
      [`setHeader("Authorization", "Bearer ${token}")`, 'setHeader("Authorization", "Bearer [REDACTED:authorization]")'],
      [`curl -H 'Authorization: Bearer ${token}' https://api.example`, "curl -H 'Authorization: Bearer [REDACTED:authorization]' https://api.example"],
      [`Proxy-Authorization: ${token}`, "Proxy-Authorization: [REDACTED:authorization]"],
      [`auth = "Bearer ${token}"`, 'auth = "Bearer [REDACTED:bearer-token]"'],
    ];
    for (const [text, expected] of cases) expect(scrubSecrets(text)).toBe(expected);
  });

  it("redacts a URL password that holds @ up to the last @ before the host", () => {
    expect(scrubSecrets("https://user:p" + "@ss@host.example/path?q=a@b")).toBe("https://user:[REDACTED:url-password]@host.example/path?q=a@b");
    expect(scrubSecrets("mongodb://app:a@b:c" + "@d@db1.example:27017/app")).toBe("mongodb://app:[REDACTED:url-password]@db1.example:27017/app");
  });

  it("redacts SendGrid keys", () => {
    const key = "SG." + alnum(22, "x1Y") + "." + alnum(43, "z2W");
    expect(scrubSecrets(`sg.setApiKey("${key}")`)).toBe('sg.setApiKey("[REDACTED:sendgrid-api-key]")');
  });

  it("leaves ordinary code, prose and references to secrets alone", () => {
    for (const text of [
      'headers: { Authorization: "Bearer " + token }',
      "headers.Authorization = `Bearer ${token}`;",
      "Authorization: token ${{ secrets.GITHUB_TOKEN }}",
      "authorization: required",
      "the authorization, authentication and auditing layers",
      "Use Bearer authentication for the API.",
      "Basic usage: run the tool twice",
      "password = getPassword();",
      "const sig = computeSignature(payload);",
      "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
      "https://host.example:8080/users/@me",
      "ssh://git@github.com:22/o/r.git",
      "AccountName=acct;EndpointSuffix=core.windows.net",
      "SG.setApiKey(process.env.SENDGRID_API_KEY)",
      "https://example.com/search?q=token&page=2",
      "for (const key of Object.keys(map)) total += map[key];",
      "sk-learn is a nickname; lin_api_version = 2; dapi = new DataApi();",
      "A3-CHORD progression",
    ]) {
      expect(scrubSecrets(text), text).toBe(text);
    }
  });
});
