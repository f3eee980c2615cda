import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { containsSecret, scrubSecrets } from "../../src/artifact/scrub-secrets.js";

// Fake tokens in each vendor's published format, assembled at run time so no token-shaped
// literal sits in the repository.
const fill = (n: number, seed: string): string => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);
const hex = (n: number): string => fill(n, "0a1b2c3d4e5f6789");

const tokens: [kind: string, label: string, token: string][] = [
  ["gitlab-token", "runner authentication token glrt-", "glrt-" + fill(20, "Rn8x")],
  ["gitlab-token", "CI/CD job token glcbt-", "glcbt-" + "64_" + fill(20, "Jb2q")],
  ["gitlab-token", "deploy token gldt-", "gldt-" + fill(20, "Dp5k")],
  ["gitlab-token", "trigger token glptt-", "glptt-" + hex(40)],
  ["gitlab-token", "OAuth application secret gloas-", "gloas-" + hex(64)],
  ["gitlab-token", "feed token glft-", "glft-" + fill(20, "Fd4m")],
  ["gitlab-token", "agent token glagent-", "glagent-" + fill(50, "Ag3n")],
  ["twilio-api-key", "SK", "SK" + hex(32)],
  ["hashicorp-vault-token", "service token hvs.", "hvs." + fill(91, "CAESIJk3")],
  ["hashicorp-vault-token", "batch token hvb.", "hvb." + fill(138, "AAAAAQJ7")],
  ["terraform-cloud-token", "atlasv1", fill(14, "Tf9Kq") + ".atlas" + "v1." + fill(67, "Zx8_-=")],
  ["pulumi-access-token", "pul-", "pul-" + hex(40)],
  ["postman-api-key", "PMAK-", "PMAK-" + hex(24) + "-" + hex(34)],
  ["grafana-token", "service account glsa_", "glsa_" + fill(32, "Gs7a") + "_" + hex(8)],
  ["grafana-token", "cloud access policy glc_", "glc_" + "eyJ" + fill(90, "Gc4+/")],
  ["sentry-token", "organization sntrys_", "sntrys_" + "eyJ" + fill(90, "Sy3r") + "_" + fill(43, "St9k")],
  ["sentry-token", "user sntryu_", "sntryu_" + hex(64)],
  ["doppler-token", "personal dp.pt.", "dp.pt." + fill(43, "Dp7q")],
  ["doppler-token", "service dp.st.", "dp.st." + "prd." + fill(40, "St2w")],
  ["age-secret-key", "AGE-SECRET-KEY-1", "AGE-SECRET-KEY-1" + fill(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")],
  ["atlassian-api-token", "ATATT3", "ATATT3" + "xFfGF0" + fill(180, "Jr4a_-=")],
  ["new-relic-api-key", "NRAK-", "NRAK-" + fill(27, "K9Q2X7W")],
];

describe("scrubSecrets on vendor tokens with a published format", () => {
  it.each(tokens)("redacts a %s (%s) and keeps the text around it", (kind, _label, token) => {
    const text = `env:\n  DEPLOY_CREDENTIAL: ${token} # rotated weekly`;
    const out = scrubSecrets(text);
    expect(out).toBe(`env:\n  DEPLOY_CREDENTIAL: [REDACTED:${kind}] # rotated weekly`);
    expect(scrubSecrets(out)).toBe(out);
    expect(containsSecret(text)).toBe(true);
  });

  it.each(tokens)("redacts a %s (%s) in quotes and in a URL query", (kind, _label, token) => {
    expect(scrubSecrets(`f("${token}")`)).toBe(`f("[REDACTED:${kind}]")`);
    expect(scrubSecrets(`curl "https://api.example/v1?x=1&k=${token}"`)).toBe(`curl "https://api.example/v1?x=1&k=[REDACTED:${kind}]"`);
  });

  // Right after a percent escape; a token whose own characters are escaped (`=`, `+`, `/` in
  // its body) is found URL-encoded only where a name or scheme says what it is.
  const urlSafe = tokens.filter(([, , token]) => encodeURIComponent(token) === token);
  it.each(urlSafe)("redacts a %s (%s) in URL-encoded text", (kind, _label, token) => {
    expect(scrubSecrets(`h=X-Token%3A%20${token}%0A`)).toBe(`h=X-Token%3A%20[REDACTED:${kind}]%0A`);
  });

  it("leaves near misses and ordinary text alone", () => {
    for (const text of [
      "glrt-short",
      "the glpat- prefix and glcbt- job tokens",
      "SK" + hex(31),
      "DISK" + hex(32),
      "SKU-" + hex(32),
      "hvs.short",
      "dhvs." + fill(30, "abc"),
      "terraform.atlasv1.docs",
      "pul-" + hex(39),
      "pull-" + hex(40),
      "PMAK-" + hex(24),
      "glsa_" + fill(32, "Gs7a"),
      "glc_short",
      "sntryu_" + hex(63),
      "dp.pt.short",
      "AGE-SECRET-KEY-1" + fill(57, "QPZRY9X8"),
      "age-secret-key-1 is the prefix",
      "ATATT3 tokens",
      "NRAK-" + fill(26, "K9Q2X7W"),
    ]) {
      expect(scrubSecrets(text), text).toBe(text);
    }
  });

  it("is idempotent on arbitrary text mixed with vendor tokens (property)", () => {
    const pieces = fc.constantFrom(...tokens.map(([, , token]) => token), "glrt-", "SK", "hvs.", ".atlasv1.", "dp.st.", "%20", "%3D", " ", "_", ".", "-");
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 10 }), pieces), { maxLength: 25 }), (parts) => {
        const once = scrubSecrets(parts.join(""));
        expect(scrubSecrets(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });
});
