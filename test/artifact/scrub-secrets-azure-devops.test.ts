import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { containsSecret, scrubSecrets } from "../../src/artifact/scrub-secrets.js";

// Fake tokens, assembled at run time so no token-shaped literal sits in the repository.
const fill = (n: number, seed: string): string => seed.repeat(Math.ceil(n / seed.length)).slice(0, n);
/** The newer form: 76 letters and digits, the AZDO signature at positions 77 to 80, 4 more. */
const pat84 = fill(52, "Fk3Jq9Lm2Vx") + "JQQJ" + "99BA" + fill(16, "Cz5") + "AZ" + "DO" + "Wq7P";
/** The classic form: 52 characters of lower-case base32 (a-z, 2-7). */
const pat52 = fill(52, "q4hz7mk2vwn3");
/** 52 hex digits that happen to use only base32 characters (no 0, 1, 8, 9): still no token. */
const hexLike = fill(52, "a3f7c2e5d4b6");

describe("scrubSecrets on Azure DevOps personal access tokens", () => {
  it("redacts the 84-character form anywhere by its AZDO signature", () => {
    expect(pat84).toHaveLength(84);
    expect(pat84.slice(76, 80)).toBe("AZDO");
    const cases: [string, string][] = [
      [pat84, "[REDACTED:azure-devops-pat]"],
      [`export TOKEN_FOR_BUILD='${pat84}' # agent`, "export TOKEN_FOR_BUILD='[REDACTED:azure-devops-pat]' # agent"],
      [`az devops login --org https://dev.azure.com/acme <<< ${pat84}`, "az devops login --org https://dev.azure.com/acme <<< [REDACTED:azure-devops-pat]"],
      [`h=Basic%20x&pat%3D${pat84}%26`, "h=Basic%20x&pat%3D[REDACTED:azure-devops-pat]%26"],
    ];
    for (const [text, expected] of cases) expect(scrubSecrets(text), text).toBe(expected);
  });

  it("redacts the classic 52-character form where a name says it is an Azure DevOps token, keeping the name", () => {
    const cases: [string, string][] = [
      [`ADO_PAT=${pat52}`, "ADO_PAT=[REDACTED:azure-devops-pat]"],
      [`AZURE_DEVOPS_EXT_PAT: "${pat52}"`, 'AZURE_DEVOPS_EXT_PAT: "[REDACTED:azure-devops-pat]"'],
      [`$env:AZDO_PERSONAL_ACCESS_TOKEN = '${pat52}'`, "$env:AZDO_PERSONAL_ACCESS_TOKEN = '[REDACTED:azure-devops-pat]'"],
      [`{"vstsPat": "${pat52}", "org": "acme"}`, '{"vstsPat": "[REDACTED:azure-devops-pat]", "org": "acme"}'],
      [`SYSTEM_ACCESSTOKEN=${pat52} ./publish.sh`, "SYSTEM_ACCESSTOKEN=[REDACTED:azure-devops-pat] ./publish.sh"],
      [`System.AccessToken: ${pat52}`, "System.AccessToken: [REDACTED:azure-devops-pat]"],
      [`pat => '${pat52}'`, "pat => '[REDACTED:azure-devops-pat]'"],
      [`azureDevOpsToken := ${pat52}`, "azureDevOpsToken := [REDACTED:azure-devops-pat]"],
    ];
    for (const [text, expected] of cases) expect(scrubSecrets(text), text).toBe(expected);
  });

  it("redacts either form as the password or the user of a dev.azure.com or visualstudio.com URL", () => {
    const cases: [string, string][] = [
      [`git clone https://build:${pat52}@dev.azure.com/acme/app/_git/app`, "git clone https://build:[REDACTED:azure-devops-pat]@dev.azure.com/acme/app/_git/app"],
      [`https://${pat52}@acme.visualstudio.com/app/_git/app`, "https://[REDACTED:azure-devops-pat]@acme.visualstudio.com/app/_git/app"],
      [`remote: https://ci:${pat84}@dev.azure.com/acme/`, "remote: https://ci:[REDACTED:azure-devops-pat]@dev.azure.com/acme/"],
    ];
    for (const [text, expected] of cases) expect(scrubSecrets(text), text).toBe(expected);
  });

  it("redacts Basic credentials of an empty user and an Azure DevOps token, as Azure DevOps documents them", () => {
    const header = Buffer.from(`:${pat52}`).toString("base64");
    expect(scrubSecrets(`-H "X: Basic ${header}"`)).toBe('-H "X: Basic [REDACTED:basic-auth]"');
    const other = Buffer.from(":not-a-token").toString("base64");
    expect(scrubSecrets(`Basic ${other}`)).toBe(`Basic ${other}`);
  });

  it("does not take hashes, identifiers or near misses for a token", () => {
    const near84 = pat84.slice(0, 76) + "AZDX" + pat84.slice(80);
    for (const text of [
      `ADO_PAT=${hexLike}`,
      `sha=${fill(52, "0f9e8d7c6b5a4")}`,
      `BUILD_ID=${pat52}`,
      `path = ${pat52}`,
      `pattern: ${pat52}`,
      `adopted = ${pat52}`,
      pat52,
      `https://${pat52}@example.com/x`,
      `https://acme@dev.azure.com/acme/app/_git/app`,
      near84,
      "x" + pat84,
      pat84 + "x",
      `ADO_PAT=${pat52}x`,
      `ADO_PAT=${pat52.toUpperCase()}`,
      "pat: $(System.AccessToken)",
    ]) {
      expect(scrubSecrets(text), text).toBe(text);
    }
    expect(containsSecret(`ADO_PAT=${hexLike}`)).toBe(false);
  });

  it("is idempotent and finds every token in text mixed with names and URLs (property)", () => {
    const pieces = fc.constantFrom(pat84, pat52, "ADO_PAT=", "pat: ", "https://u:", "https://", "@dev.azure.com/x", "'", '"', " ", "\n", "=", "_", ".");
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 10 }), pieces), { maxLength: 25 }), (parts) => {
        const text = parts.join("");
        const once = scrubSecrets(text);
        expect(scrubSecrets(once)).toBe(once);
        expect(scrubSecrets(`${text} ADO_PAT=${pat52} ${pat84}`).endsWith(" ADO_PAT=[REDACTED:azure-devops-pat] [REDACTED:azure-devops-pat]")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
