/**
 * Secret scrubbing for any text that leaves the app: digest snippets, paths and patterns, check
 * run output and annotations, stored findings, fallback records and logs. Dependency-free on
 * purpose so every layer can use it.
 *
 * The rule set covers the kinds of secret in secretlint's recommended preset (AWS, GCP, private
 * keys, npm, basic auth and database connection strings, Slack, SendGrid, Shopify, GitHub,
 * OpenAI, Anthropic, Linear, 1Password) plus Azure and Azure DevOps, GitLab, Databricks, Vault,
 * Terraform and other vendors, each written from the token format the vendor publishes. A match is replaced by a typed placeholder such as
 * `[REDACTED:github-token]`; text around the secret (a key name, a URL's user and host) is kept
 * so the snippet stays useful. `SECRET_KINDS` lists what is detected.
 *
 * Every pattern does bounded work per start position, so scrubbing is linear in the input:
 * - repetitions are bounded (`{m,n}`), or
 * - a token body is an unbounded run of one character class, and the pattern starts with a
 *   negative look-behind for that same class, so a run is only ever entered at its start.
 * No pattern nests quantifiers over overlapping alternatives.
 *
 * Vendor tokens with a fixed prefix are found even when glued to other text (`xghp_…`): a
 * missed secret costs more than a redacted identifier. A token that must start at a word
 * boundary may also start right after a percent escape, and Authorization values, Bearer and
 * Basic credentials and query string credentials are also read URL-encoded (`%3A`, `%3D`, `%20`
 * or `+`, hex in either case, encoded up to three times), as query strings and logged request
 * lines carry them. Any other secret URL-encoded in a run of URL characters (a webhook URL or a
 * URL with a password passed as a parameter, a token with escaped characters of its own) is
 * found in the run's decoded text, and only its own stretch of the run is replaced. No pattern
 * matches a placeholder, so scrubbing scrubbed text changes nothing.
 */

/** The prefix every placeholder starts with; text already redacted is left as it is. */
export const REDACTION_PREFIX = "[REDACTED:";

function placeholder(kind: string): string {
  return `${REDACTION_PREFIX}${kind}]`;
}

/** One kind of secret the scrubber detects: the name in its placeholder and what it is. */
export interface SecretKind {
  readonly kind: string;
  readonly name: string;
}

type Groups = Readonly<Record<string, string | undefined>>;

interface SecretRule extends SecretKind {
  readonly pattern: RegExp;
  /**
   * Builds the replacement from the named groups. Without it the whole match is replaced.
   * Returning `undefined` keeps the match unchanged.
   */
  readonly replace?: (groups: Groups) => string | undefined;
  /**
   * Text every match holds. A text without it is skipped at once: a pattern whose fixed part
   * is not at its start (`AZDO` at position 77) would otherwise be tried at every position.
   */
  readonly hint?: string;
}

/** Replacement that keeps `pre` and `post` and redacts the `secret` group. */
function keepAround(kind: string) {
  return (groups: Groups): string => `${groups.pre ?? ""}${placeholder(kind)}${groups.post ?? ""}`;
}

function genericKind(keyword: string): string {
  const k = keyword.toLowerCase();
  if (k.startsWith("pass") || k === "pwd") return "password";
  if (k === "secret") return "secret";
  if (k === "token") return "token";
  return "api-key";
}

/** Whether base64 text decodes to `user:password` (printable ASCII with a colon). */
function isBasicCredential(value: string): boolean {
  const decoded = Buffer.from(value, "base64").toString("latin1");
  if (!/^[\x20-\x7e]{1,512}$/.test(decoded) || !decoded.includes(":")) return false;
  // An empty user is no credential, except before an Azure DevOps token (`:<PAT>`, as Azure
  // DevOps documents for Basic authentication).
  return !decoded.startsWith(":") || ADO_PAT_ONLY.test(decoded.slice(1));
}

/** HTTP authentication schemes: a scheme name alone is not a credential. */
const AUTH_SCHEME = "(?:basic|bearer|token|digest|negotiate|ntlm|hoba|mutual|aws4-hmac-sha256)";

/**
 * A position where a token may start: not after a letter or digit, unless that character ends
 * a percent escape (`%20`, `%3D`, also encoded again: `%253D`), so a token in URL-encoded text (`Bearer%20eyJ…`,
 * `token%3Dhvs.…`) is found too. No token body holds `%`, so a run is still entered only at its
 * start. `extra` adds characters that may not precede the token either. (One look-behind, not
 * an alternation of two, keeps the regex engine's fast scan for the literal that follows.)
 */
const startAfter = (extra = ""): string => String.raw`(?<!(?<!%(?:25){0,2}[0-9A-Fa-f])[A-Za-z0-9${extra}])`;

/** A percent escape's `%`, also when the text was encoded twice or three times (`%253D`). */
const PCT = "%(?:25){0,2}";
/** A space in URL-encoded text: `%20`, or `+` in a form-encoded query. */
const ENC_SPACE = String.raw`(?:${PCT}20|\+)`;
/** A character of a URL-encoded token68 (RFC 7235): unreserved, or an escaped `+` or `/`. */
const ENC_TOKEN_CHAR = `(?:[A-Za-z0-9._~-]|${PCT}2[BbFf])`;
/** A URL-encoded token68: its characters, then up to two escaped `=`, ending where it ends. */
const encodedToken68 = (min: number, max: number): string =>
  `${ENC_TOKEN_CHAR}{${min},${max}}(?:${PCT}3[Dd]){0,2}(?!${ENC_TOKEN_CHAR}|${PCT}3[Dd])`;

/** Decodes the percent escapes of `value` (repeatedly, for text encoded more than once). */
function percentDecode(value: string): string {
  let out = value;
  for (let i = 0; i < 3 && out.includes("%"); i++) {
    out = out.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return out;
}

/**
 * Azure DevOps personal access tokens, as Microsoft publishes them: the newer 84-character form
 * (letters and digits with the fixed signature `AZDO` at positions 77 to 80) and the classic
 * 52-character form, a base32-encoded 256-bit key (`a-z`, `2-7`). A classic one needs at least
 * one letter after `f`, so a string of hex digits is never one.
 */
const ADO_PAT_84 = "[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}";
const ADO_PAT_52 = "(?=[a-z2-7]{0,51}[g-z])[a-z2-7]{52}";
const ADO_PAT = `(?:${ADO_PAT_84}|${ADO_PAT_52})(?![A-Za-z0-9])`;
const ADO_PAT_ONLY = new RegExp(`^${ADO_PAT}$`);

/**
 * Whether a name in an assignment says it holds an Azure DevOps token: a word `pat`, `ado`,
 * `azdo` or `vsts` (`ADO_PAT`, `AZURE_DEVOPS_EXT_PAT`, `vstsPat`), or `azuredevops`,
 * `visualstudio` or `System.AccessToken` (`SYSTEM_ACCESSTOKEN`).
 */
function namesAzureDevOps(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
  if (words.some((w) => w === "pat" || w === "ado" || w === "azdo" || w === "vsts")) return true;
  const joined = words.join("");
  return joined.includes("azuredevops") || joined.includes("visualstudio") || joined.includes("systemaccesstoken");
}

const RULES: readonly SecretRule[] = [
  {
    // PEM/OpenSSH/PGP private key blocks (RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP … BLOCK), up to
    // the END line, or to the end of the text when the block was cut off (a truncated key is
    // still a key). This also covers the `private_key` of a GCP service account key file.
    kind: "private-key",
    name: "Private keys (PEM, OpenSSH, PGP; also in GCP service account key files)",
    pattern:
      /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  {
    // GCP service account key files: `"private_key_id": "<40 hex digits>"`.
    kind: "gcp-private-key-id",
    name: "GCP service account private key ids",
    pattern: /(?<pre>"private_key_id"\s{0,4}:\s{0,4}")(?<secret>[0-9a-f]{40})(?<post>")/g,
    replace: keepAround("gcp-private-key-id"),
  },
  {
    // Slack incoming webhooks and workflow triggers: the whole URL is the credential.
    kind: "slack-webhook-url",
    name: "Slack webhook URLs",
    pattern: /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{8,300}/g,
  },
  {
    // Classic tokens: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server),
    // ghr_ (refresh), then 36 or more base62 characters; fine-grained personal access tokens:
    // github_pat_ followed by base62 and underscores.
    kind: "github-token",
    name: "GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)",
    pattern: /(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})/g,
  },
  {
    // GitLab tokens by their published prefixes: personal, project, group and impersonation
    // access tokens (glpat-), OAuth application secrets (gloas-), deploy tokens (gldt-), runner
    // authentication tokens (glrt-), CI/CD job tokens (glcbt-), trigger tokens (glptt-), feed
    // tokens (glft-), incoming mail tokens (glimt-), agent for Kubernetes tokens (glagent-),
    // SCIM tokens (glsoat-) and feature flags client tokens (glffct-); then at least 20
    // characters (newer tokens add dot-separated parts).
    kind: "gitlab-token",
    name: "GitLab tokens (glpat-, glrt-, glcbt-, gldt-, glptt-, gloas-, …)",
    pattern: /gl(?:pat|oas|dt|rt|cbt|ptt|ft|imt|agent|soat|ffct)-[A-Za-z0-9_.-]{20,200}/g,
  },
  {
    // AWS access key ids: 4-character prefix (AKIA long-term, ASIA temporary, and the other
    // published prefixes) and 16 upper-case base32 characters.
    kind: "aws-access-key-id",
    name: "AWS access key ids (AKIA, ASIA, …)",
    pattern: /(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}/g,
  },
  {
    // AWS secret access keys are 40 base64 characters; recognised where they are assigned.
    kind: "aws-secret-access-key",
    name: "AWS secret access keys (where assigned)",
    pattern:
      /(?<pre>(?<![A-Za-z0-9])(?:aws_?)?secret_?access_?key["']?\s{0,4}(?:=>|:=|[:=])\s{0,4}["']?)(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    replace: keepAround("aws-secret-access-key"),
  },
  {
    // AWS account ids: 12 digits (optionally grouped 4-4-4), where assigned to an AWS account id.
    kind: "aws-account-id",
    name: "AWS account ids (where assigned)",
    pattern:
      /(?<pre>(?<![A-Za-z0-9])aws_?account_?id["']?\s{0,4}(?:=>|:=|[:=])\s{0,4}["']?)(?<secret>[0-9]{4}-?[0-9]{4}-?[0-9]{4})(?![0-9])/gi,
    replace: keepAround("aws-account-id"),
  },
  {
    // Slack bot/user/app/refresh tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxo-, xoxe-) and
    // app-level tokens (xapp-).
    kind: "slack-token",
    name: "Slack tokens (xoxb-, xoxp-, xapp-, …)",
    pattern: /(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,250}/g,
  },
  {
    // npm access tokens: npm_ and 36 base62 characters.
    kind: "npm-token",
    name: "npm access tokens (npm_)",
    pattern: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
  },
  {
    // .npmrc credentials: `_authToken=`, `_auth=` (base64 user:password) and `_password=`,
    // optionally scoped to a registry (`//registry.npmjs.org/:_authToken=…`). An environment
    // reference such as `${NPM_TOKEN}` is not a secret.
    kind: "npmrc-auth",
    name: ".npmrc credentials (_authToken, _auth, _password)",
    pattern:
      /(?<pre>(?<![A-Za-z0-9])_(?:authToken|auth|password)\s{0,4}=\s{0,4}["']?)(?!\[REDACTED:|\$\{?[A-Za-z_])(?<secret>[^\s"'`]{1,1024})/g,
    replace: keepAround("npmrc-auth"),
  },
  {
    // Google API keys: AIza and 35 base64url characters.
    kind: "google-api-key",
    name: "Google API keys (AIza)",
    pattern: /AIza[A-Za-z0-9_-]{35}/g,
  },
  {
    // Google OAuth client secrets: GOCSPX- and 28 base64url characters.
    kind: "google-oauth-client-secret",
    name: "Google OAuth client secrets (GOCSPX-)",
    pattern: /GOCSPX-[A-Za-z0-9_-]{28}/g,
  },
  {
    // Google OAuth 2.0 access tokens: ya29. and base64url characters (usually 150 to 250).
    kind: "google-oauth-access-token",
    name: "Google OAuth access tokens (ya29.)",
    pattern: new RegExp(String.raw`${startAfter()}ya29\.[A-Za-z0-9_-]{20,2048}`, "g"),
  },
  {
    // Stripe secret and restricted keys, live and test: sk_live_, sk_test_, rk_live_, rk_test_.
    kind: "stripe-key",
    name: "Stripe secret and restricted keys (sk_live_, rk_live_, …)",
    pattern: /(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}/g,
  },
  {
    // SendGrid API keys: SG. then a 22-character key id, a dot and a 43-character secret
    // (both base64url).
    kind: "sendgrid-api-key",
    name: "SendGrid API keys (SG.…)",
    pattern: /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/g,
  },
  {
    // Shopify access tokens: shpat_ (admin API), shpca_ (custom app), shppa_ (private app) and
    // shared secrets shpss_, each followed by 32 hex digits.
    kind: "shopify-token",
    name: "Shopify tokens and shared secrets (shpat_, shpca_, shppa_, shpss_)",
    pattern: /shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}/g,
  },
  {
    // Anthropic API keys: sk-ant-api03- (and admin keys sk-ant-admin01-) then about 95
    // base64url characters.
    kind: "anthropic-api-key",
    name: "Anthropic API keys (sk-ant-)",
    pattern: /sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,200}/g,
  },
  {
    // OpenAI API keys: project, service account and admin keys (sk-proj-, sk-svcacct-,
    // sk-admin-) and legacy user keys, which hold the marker T3BlbkFJ between two 20-character
    // halves.
    kind: "openai-api-key",
    name: "OpenAI API keys (sk-proj-, sk-svcacct-, sk-admin-, legacy sk-…T3BlbkFJ…)",
    pattern: /sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,300}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})/g,
  },
  {
    // Linear API keys and OAuth access tokens: lin_api_ / lin_oauth_ and 40 base62 characters.
    kind: "linear-api-key",
    name: "Linear API keys (lin_api_, lin_oauth_)",
    pattern: /lin_(?:api|oauth)_[A-Za-z0-9]{40}/g,
  },
  {
    // 1Password service account tokens: ops_ and a base64 JSON document (so `ops_eyJ`).
    kind: "1password-service-account-token",
    name: "1Password service account tokens (ops_eyJ…)",
    pattern: /ops_eyJ[A-Za-z0-9+/_-]{40,4000}={0,2}/g,
  },
  {
    // 1Password account secret keys: version A3, 6-character account id, then 26 characters
    // in groups of 6-5-5-5-5, all upper-case alphanumerics.
    kind: "1password-secret-key",
    name: "1Password secret keys (A3-…)",
    pattern: /(?<![A-Za-z0-9])A3-[A-Z0-9]{6}-[A-Z0-9]{6}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}(?![A-Za-z0-9])/g,
  },
  {
    // Databricks personal access tokens: dapi and 32 hex digits, optionally -<digit(s)>.
    kind: "databricks-token",
    name: "Databricks tokens (dapi)",
    pattern: /dapi[a-f0-9]{32}(?:-[0-9]{1,3})?/g,
  },
  {
    // Hugging Face access tokens: hf_ and 34 letters.
    kind: "huggingface-token",
    name: "Hugging Face tokens (hf_)",
    pattern: new RegExp(`${startAfter()}hf_[A-Za-z]{34}(?![A-Za-z0-9])`, "g"),
  },
  {
    // PyPI API tokens: pypi- and a macaroon whose base64 starts with the issuer pypi.org.
    kind: "pypi-token",
    name: "PyPI API tokens (pypi-AgEIcHlwaS5vcmc…)",
    pattern: /pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,1000}/g,
  },
  {
    // Docker Hub personal access tokens: dckr_pat_ and 27 base64url characters.
    kind: "dockerhub-token",
    name: "Docker Hub access tokens (dckr_pat_)",
    pattern: /dckr_pat_[A-Za-z0-9_-]{20,60}/g,
  },
  {
    // DigitalOcean personal, OAuth and refresh tokens: dop_v1_, doo_v1_, dor_v1_ and 64 hex digits.
    kind: "digitalocean-token",
    name: "DigitalOcean tokens (dop_v1_, doo_v1_, dor_v1_)",
    pattern: /do[opr]_v1_[a-f0-9]{64}/g,
  },
  {
    // Twilio API keys: SK and 32 hex digits.
    kind: "twilio-api-key",
    name: "Twilio API keys (SK…)",
    pattern: new RegExp(`${startAfter()}SK[0-9a-fA-F]{32}(?![A-Za-z0-9])`, "g"),
  },
  {
    // HashiCorp Vault service, batch and recovery tokens: hvs., hvb., hvr. and base64url.
    kind: "hashicorp-vault-token",
    name: "HashiCorp Vault tokens (hvs., hvb., hvr.)",
    pattern: new RegExp(`${startAfter()}hv[sbr]\\.[A-Za-z0-9_-]{24,500}`, "g"),
  },
  {
    // HCP Terraform (Terraform Cloud) and Terraform Enterprise API tokens:
    // 14 characters, `.atlasv1.`, then 60 to 70 more.
    kind: "terraform-cloud-token",
    name: "HCP Terraform / Terraform Cloud API tokens (….atlasv1.…)",
    pattern: new RegExp(`${startAfter()}[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}`, "g"),
    hint: ".atlasv1.",
  },
  {
    // Pulumi access tokens: pul- and 40 hex digits.
    kind: "pulumi-access-token",
    name: "Pulumi access tokens (pul-)",
    pattern: /pul-[a-f0-9]{40}(?![A-Za-z0-9])/g,
  },
  {
    // Postman API keys: PMAK-, 24 hex digits, a dash, 34 hex digits.
    kind: "postman-api-key",
    name: "Postman API keys (PMAK-)",
    pattern: /PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}/g,
  },
  {
    // Grafana Cloud access policy tokens (glc_ and base64) and Grafana service account tokens
    // (glsa_, 32 base62 characters, _, 8 hex digits).
    kind: "grafana-token",
    name: "Grafana tokens (glc_, glsa_)",
    pattern: /(?:glc_[A-Za-z0-9+/]{32,1024}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})/g,
  },
  {
    // Sentry organization auth tokens (sntrys_ and a base64 JSON document, so sntrys_eyJ) and
    // user auth tokens (sntryu_ and 64 hex digits).
    kind: "sentry-token",
    name: "Sentry auth tokens (sntrys_, sntryu_)",
    pattern: /(?:sntrys_eyJ[A-Za-z0-9+/=_-]{30,4000}|sntryu_[a-f0-9]{64})/g,
  },
  {
    // Doppler tokens: dp.pt. (personal), dp.ct. (CLI), dp.st. (service, optionally with the
    // environment's slug: dp.st.prd.…), dp.sa. (service account), dp.scim., dp.audit., then 40 to
    // 44 base62 characters.
    kind: "doppler-token",
    name: "Doppler tokens (dp.pt., dp.st., dp.sa., dp.ct., …)",
    pattern: /dp\.(?:pt|ct|st|sa|scim|audit)\.(?:[a-z0-9_-]{1,64}\.)?[A-Za-z0-9]{40,44}(?![A-Za-z0-9])/g,
  },
  {
    // age secret keys: AGE-SECRET-KEY-1 and 58 characters of the bech32 alphabet.
    kind: "age-secret-key",
    name: "age secret keys (AGE-SECRET-KEY-1…)",
    pattern: /AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}/g,
  },
  {
    // Atlassian (Jira, Confluence, Bitbucket Cloud) API tokens: ATATT3 and about 186 base64url
    // characters.
    kind: "atlassian-api-token",
    name: "Atlassian API tokens (ATATT3…)",
    pattern: /ATATT3[A-Za-z0-9_=-]{150,250}/g,
  },
  {
    // New Relic user API keys: NRAK- and 27 upper-case base36 characters.
    kind: "new-relic-api-key",
    name: "New Relic user API keys (NRAK-)",
    pattern: /NRAK-[A-Z0-9]{27}(?![A-Za-z0-9])/g,
  },
  {
    // Azure storage (and Cosmos DB) connection strings:
    // `DefaultEndpointsProtocol=https;AccountName=…;AccountKey=<base64>;EndpointSuffix=…`.
    kind: "azure-storage-key",
    name: "Azure storage account keys (AccountKey= in connection strings)",
    pattern: /(?<pre>(?<![A-Za-z0-9])AccountKey\s{0,4}=\s{0,4})(?<secret>[A-Za-z0-9+/]{20,200}={0,2})/gi,
    replace: keepAround("azure-storage-key"),
  },
  {
    // Azure Service Bus, Event Hubs and IoT Hub connection strings:
    // `Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=<base64>`.
    kind: "azure-shared-access-key",
    name: "Azure shared access keys (SharedAccessKey= in connection strings)",
    pattern: /(?<pre>(?<![A-Za-z0-9])SharedAccessKey\s{0,4}=\s{0,4})(?<secret>[A-Za-z0-9+/]{20,200}={0,2})/gi,
    replace: keepAround("azure-shared-access-key"),
  },
  {
    // Azure shared access signatures in connection strings: `SharedAccessSignature=sv=…&sig=…`,
    // up to the next `;`.
    kind: "azure-sas",
    name: "Azure shared access signatures (SharedAccessSignature=, sig= in SAS URLs)",
    pattern: /(?<pre>(?<![A-Za-z0-9])SharedAccessSignature\s{0,4}=\s{0,4})(?!\[REDACTED:)(?<secret>[^;\s"'`<>]{1,2048})/gi,
    replace: keepAround("azure-sas"),
  },
  {
    // The signature of an Azure SAS URL or token: `?…&sig=<url-encoded base64>`.
    kind: "azure-sas",
    name: "Azure shared access signatures (SharedAccessSignature=, sig= in SAS URLs)",
    pattern: /(?<pre>[?&;]sig=)(?<secret>[A-Za-z0-9%+/=_-]{8,512})/g,
    replace: keepAround("azure-sas"),
  },
  {
    // Azure API Management subscription keys (32 hex digits) in the header that carries them,
    // `Ocp-Apim-Subscription-Key`, as a header line, a JSON field or a call argument.
    kind: "azure-apim-subscription-key",
    name: "Azure API Management subscription keys (Ocp-Apim-Subscription-Key)",
    pattern:
      /(?<pre>(?<![A-Za-z0-9-])Ocp-Apim-Subscription-Key(?:["']?\s{0,4}[:=]|["']\s{0,4},)\s{0,4}["']?)(?<secret>[a-fA-F0-9]{32})(?![a-fA-F0-9])/gi,
    replace: keepAround("azure-apim-subscription-key"),
  },
  {
    // Microsoft Entra ID (Azure AD) client secrets: 3 characters, a digit, `Q~`, then 31 to 34
    // characters of [A-Za-z0-9_~.-]. Text glued to the end (`….txt`) does not hide it.
    kind: "azure-client-secret",
    name: "Azure (Entra ID) client secrets (…Q~…)",
    pattern: new RegExp(`${startAfter("_~.-")}[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}`, "g"),
  },
  {
    // Azure DevOps personal access tokens in the newer 84-character form, found by the `AZDO`
    // signature at positions 77 to 80 of a run of exactly 84 letters and digits.
    kind: "azure-devops-pat",
    name: "Azure DevOps personal access tokens (84 characters with AZDO; classic 52 where named or in a dev.azure.com URL)",
    pattern: new RegExp(`${startAfter()}${ADO_PAT_84}(?![A-Za-z0-9])`, "g"),
    hint: "AZDO",
  },
  {
    // Azure DevOps tokens, either form, as a URL's password or user before an Azure DevOps host:
    // `https://user:<PAT>@dev.azure.com/…`, `https://<PAT>@org.visualstudio.com/…`.
    kind: "azure-devops-pat",
    name: "Azure DevOps personal access tokens (84 characters with AZDO; classic 52 where named or in a dev.azure.com URL)",
    pattern: new RegExp(
      String.raw`(?<pre>(?<![A-Za-z0-9+.-])https?://(?:[^\s:/?#@"'\x60<>[\]]{0,256}:)?)(?<secret>${ADO_PAT})` +
        String.raw`(?<post>@(?:[A-Za-z0-9-]{1,63}\.){0,4}(?:dev\.azure\.com|visualstudio\.com)(?![A-Za-z0-9.-]))`,
      "g",
    ),
    replace: keepAround("azure-devops-pat"),
  },
  {
    // Classic (52-character) Azure DevOps tokens where they are assigned to a name that says so:
    // `ADO_PAT=…`, `AZURE_DEVOPS_EXT_PAT: …`, `"vstsPat": "…"`, `SYSTEM_ACCESSTOKEN=…`. A run of
    // 52 base32 characters alone is not taken for one.
    kind: "azure-devops-pat",
    name: "Azure DevOps personal access tokens (84 characters with AZDO; classic 52 where named or in a dev.azure.com URL)",
    // The match starts at the separator and looks back for the name, so the name is only read
    // where a separator is.
    pattern: new RegExp(
      String.raw`(?<pre>(?:=>|:=|[:=])(?<=(?<![A-Za-z0-9])(?<name>[A-Za-z][A-Za-z0-9_.-]{0,47})["']?\s{0,4}(?:=>|:=|[:=]))\s{0,4}["']?)` +
        String.raw`(?<secret>${ADO_PAT})`,
      "g",
    ),
    replace: (g) => (namesAzureDevOps(g.name ?? "") ? `${g.pre}${placeholder("azure-devops-pat")}` : undefined),
  },
  {
    // JSON Web Tokens: base64url header and payload (both JSON objects, so `eyJ`), signature.
    kind: "jwt",
    name: "JSON Web Tokens (eyJ….eyJ….…)",
    pattern: new RegExp(String.raw`${startAfter("_-")}eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`, "g"),
  },
  {
    // URL-encoded Authorization (and Proxy-Authorization) values, in query strings, form bodies
    // and logged request lines: `Authorization%3A%20Bearer%20…`, `authorization%3Dbasic%20…`,
    // `%22Authorization%22%3A%22token%20…`, `authorization=Bearer+…` (hex in either case, also
    // encoded twice). The scheme is kept; without one the value must look like a credential.
    kind: "authorization",
    name: "Authorization header values (Basic, Bearer, token, …; also URL-encoded)",
    pattern: new RegExp(
      String.raw`(?<pre>${startAfter()}(?:proxy-)?authorization(?:(?:${PCT}22)?${PCT}3[AD](?:${PCT}22)?${ENC_SPACE}{0,4}(?<scheme>${AUTH_SCHEME}${ENC_SPACE}{1,4})?` +
        String.raw`|[:=]\s{0,4}(?<spaced>${AUTH_SCHEME}${ENC_SPACE}{1,4})))(?<secret>${encodedToken68(6, 2048)})`,
      "gi",
    ),
    replace: (g) => {
      const secret = percentDecode(g.secret ?? "");
      if (g.scheme === undefined && g.spaced === undefined && (secret.length < 16 || !/[0-9]/.test(secret))) return undefined;
      return `${g.pre}${placeholder("authorization")}`;
    },
  },
  {
    // HTTP Authorization (and Proxy-Authorization) header values, as a header line, a JSON or
    // YAML field or a call argument: `Authorization: Basic <base64>`, `"Authorization": "Bearer
    // <token>"`, `setHeader("Authorization", "token <token>")`. The scheme name is kept; a
    // value built at run time (`"Bearer " + token`, `${token}`) is code and stays. Without a
    // scheme the value must look like a credential (16 characters or more, with a digit), so
    // `authorization: required` stays.
    kind: "authorization",
    name: "Authorization header values (Basic, Bearer, token, …)",
    pattern: new RegExp(
      String.raw`(?<pre>(?<![A-Za-z0-9])(?:proxy-)?authorization(?:["']?\s{0,4}[:=]|["']\s{0,4},)\s{0,4}["']?\s{0,4}(?<scheme>${AUTH_SCHEME}\s{1,4})?)` +
        String.raw`(?!${AUTH_SCHEME}(?![A-Za-z0-9._~+/=-]))(?<secret>[A-Za-z0-9._~+/-]{6,2048}={0,2})(?![A-Za-z0-9_~+/=-])`,
      "gi",
    ),
    replace: (g) => {
      const secret = g.secret ?? "";
      if (g.scheme === undefined && (secret.length < 16 || !/[0-9]/.test(secret))) return undefined;
      return `${g.pre}${placeholder("authorization")}`;
    },
  },
  {
    // Bearer tokens anywhere (RFC 6750 token68 after `Bearer `): at least 20 characters with a
    // digit, so prose such as "Bearer authentication" stays.
    kind: "bearer-token",
    name: "Bearer tokens",
    pattern:
      /(?<pre>(?<![A-Za-z0-9])[Bb]earer\s{1,4})(?=[A-Za-z._~+/-]{0,2047}[0-9])(?<secret>[A-Za-z0-9._~+/-]{20,2048}={0,2})(?![A-Za-z0-9_~+/=-])/g,
    replace: keepAround("bearer-token"),
  },
  {
    // URL-encoded Bearer tokens: `Bearer%20…`, `Bearer+…` (form-encoded), with a digit.
    kind: "bearer-token",
    name: "Bearer tokens",
    pattern: new RegExp(String.raw`(?<pre>${startAfter()}[Bb]earer${ENC_SPACE}{1,4})(?<secret>${encodedToken68(20, 2048)})`, "g"),
    replace: (g) => (/[0-9]/.test(percentDecode(g.secret ?? "")) ? `${g.pre}${placeholder("bearer-token")}` : undefined),
  },
  {
    // HTTP Basic credentials anywhere: `Basic <base64 of user:password>` (RFC 7617).
    kind: "basic-auth",
    name: "HTTP Basic credentials (Basic <base64 user:password>)",
    pattern: /(?<pre>(?<![A-Za-z0-9])[Bb]asic\s{1,4})(?<secret>[A-Za-z0-9+/]{4,1024}={0,2})(?![A-Za-z0-9+/=])/g,
    replace: (g) => (isBasicCredential(g.secret ?? "") ? `${g.pre}${placeholder("basic-auth")}` : undefined),
  },
  {
    // URL-encoded HTTP Basic credentials: `Basic%20<base64, with %2B %2F %3D>`.
    kind: "basic-auth",
    name: "HTTP Basic credentials (Basic <base64 user:password>)",
    pattern: new RegExp(
      String.raw`(?<pre>${startAfter()}[Bb]asic${ENC_SPACE}{1,4})(?<secret>(?:[A-Za-z0-9]|${PCT}2[BbFf]){4,1024}(?:${PCT}3[Dd]){0,2})(?![A-Za-z0-9]|${PCT}(?:2[BbFf]|3[Dd]))`,
      "g",
    ),
    replace: (g) => (isBasicCredential(percentDecode(g.secret ?? "")) ? `${g.pre}${placeholder("basic-auth")}` : undefined),
  },
  {
    // Passwords in URLs (basic auth, database connection URLs): scheme://user:password@host keeps
    // the user and the host. The password runs to the last `@` before the host, so a password
    // holding `@` is redacted whole; it ends at whitespace, quotes or the start of a path,
    // query or fragment. A user holds no `[` (not allowed there), so a token already redacted
    // before the `@` (`https://[REDACTED:github-token]@host`) is not read as user and password.
    kind: "url-password",
    name: "Passwords in URLs (scheme://user:password@host, also with @ in the password)",
    pattern:
      /(?<pre>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/?#@"'`<>[\]]{0,256}:)(?!\[REDACTED:)(?<secret>[^\s/?#"'`<>]{1,256})(?<post>@)/g,
    replace: keepAround("url-password"),
  },
  {
    // Credentials in URL query strings (JDBC URLs, API calls): ?password=…, &token=…, &api_key=….
    kind: "url-query-secret",
    name: "Credentials in URL query strings (password=, token=, api_key=, …)",
    pattern:
      /(?<pre>[?&](?:password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|private_token|api_key|apikey|key)=)(?!\[REDACTED:|\$\{|\{\{)(?<secret>[^&#\s"'`<>]{1,512})/gi,
    replace: keepAround("url-query-secret"),
  },
  {
    // The same credentials in URL-encoded text (a URL inside a query parameter, a logged
    // request line): `%26access_token%3D…`, `token%3D…`, also encoded twice (`%253D`). The value
    // ends at an encoded `&`, `#`, space, quote or angle bracket.
    kind: "url-query-secret",
    name: "Credentials in URL query strings (password=, token=, api_key=, …)",
    pattern: new RegExp(
      String.raw`(?<pre>${startAfter("_")}(?:password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|private_token|api_key|apikey|key)${PCT}3D)` +
        String.raw`(?!\[REDACTED:|\$\{|\{\{|${PCT}(?:5B|24|7B))(?<secret>(?:[^&#\s"'\x60<>%]|%(?!(?:25){0,2}(?:26|23|20|22|27|3C|3E|0A|0D|09))(?:25){0,2}[0-9A-F]{2}){1,512})`,
      "gi",
    ),
    replace: keepAround("url-query-secret"),
    hint: "%",
  },
  {
    // Passwords in ADO.NET, ODBC and JDBC connection strings: `…;Password=…;` (or `Pwd=`).
    kind: "connection-string-password",
    name: "Passwords in connection strings (;Password=…)",
    pattern: /(?<pre>;\s{0,4}(?:password|pwd)\s{0,4}=\s{0,4})(?!\[REDACTED:)(?<secret>[^;\s"'`]{1,512})/gi,
    replace: keepAround("connection-string-password"),
  },
  {
    // Generic assignments: password=, secret=, token=, api_key= (also inside longer names such
    // as DB_PASSWORD or "github_token":) with a quoted value of any length or an unquoted value
    // of at least 12 characters that ends where a value ends (so `process.env.X` is code, kept).
    // The placeholder names what the key says: password, secret, token or api-key.
    kind: "password",
    name: "Values assigned to password, secret, token and API key names (kinds password, secret, token, api-key)",
    pattern:
      /(?<pre>(?<kw>password|passwd|pwd|secret|token|api[_-]?key)[A-Za-z0-9_.-]{0,32}["']?\s{0,4}(?:=>|:=|[:=])\s{0,4})(?:"(?<dq>(?:[^"\\\r\n]|\\.){1,512})"|'(?<sq>(?:[^'\\\r\n]|\\.){1,512})'|(?<uv>[A-Za-z0-9_+/=~!@#$%^&*-]{12,512})(?![^\s"',;)}\]>]))/gi,
    replace: (g) => {
      const kind = placeholder(genericKind(g.kw ?? ""));
      if (g.dq !== undefined) return g.dq.startsWith(REDACTION_PREFIX) ? undefined : `${g.pre}"${kind}"`;
      if (g.sq !== undefined) return g.sq.startsWith(REDACTION_PREFIX) ? undefined : `${g.pre}'${kind}'`;
      return `${g.pre}${kind}`;
    },
  },
];

/** The kinds of secret detected, each once, in the order they are looked for. */
export const SECRET_KINDS: readonly SecretKind[] = RULES.filter(
  (rule, index) => RULES.findIndex((other) => other.kind === rule.kind) === index,
).map(({ kind, name }) => ({ kind, name }));

/** Each pass only ever replaces secrets by placeholders, which no pattern matches again. */
const MAX_PASSES = 4;

function applyRule(text: string, rule: SecretRule): string {
  if (rule.hint !== undefined && !text.includes(rule.hint)) return text;
  rule.pattern.lastIndex = 0;
  const replace = rule.replace;
  if (replace === undefined) return text.replace(rule.pattern, placeholder(rule.kind));
  return text.replace(rule.pattern, (...args: unknown[]) => {
    const match = args[0] as string;
    const groups = args[args.length - 1] as Groups;
    return replace(groups) ?? match;
  });
}

/** Applies every rule, pass after pass, until nothing changes. */
function scrubPlainText(text: string): string {
  // A placeholder can give a neighbouring secret the boundary one of the patterns asks for,
  // so passes repeat until nothing changes (in practice one or two passes).
  let out = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let next = out;
    for (const rule of RULES) next = applyRule(next, rule);
    if (next === out) break;
    out = next;
  }
  return out;
}

/**
 * A run of the characters a URL is written with (RFC 3986's unreserved and reserved ones, and
 * `%`): where a URL-encoded URL, query or JSON value lies. Brackets are left out, so a run ends
 * at a placeholder.
 */
const URL_RUN = /[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+/g;
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;
/** Levels of percent-encoding read, as the encoded rules read them (`%253A` is `:` encoded twice). */
const ENCODING_LEVELS = 3;

/** The value of a hexadecimal digit's code unit, or -1 for any other. */
function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/**
 * `text` with one level of percent escapes decoded, and for each decoded character where it
 * starts in the original run (`from` maps `text` to the run; one more entry for the end), or
 * undefined when `text` holds no escape.
 */
function decodeEscapes(text: string, from: Int32Array): { text: string; from: Int32Array } | undefined {
  if (!PERCENT_ESCAPE.test(text)) return undefined;
  const length = text.length;
  const codes = new Uint16Array(length);
  const starts = new Int32Array(length + 1);
  let count = 0;
  for (let i = 0; i < length; count++) {
    starts[count] = from[i]!;
    const high = text.charCodeAt(i) === 37 && i + 2 < length ? hexDigit(text.charCodeAt(i + 1)) : -1;
    const low = high < 0 ? -1 : hexDigit(text.charCodeAt(i + 2));
    if (low >= 0) {
      codes[count] = high * 16 + low;
      i += 3;
    } else {
      codes[count] = text.charCodeAt(i);
      i += 1;
    }
  }
  starts[count] = from[length]!;
  let decoded = "";
  for (let i = 0; i < count; i += 8192) decoded += String.fromCharCode(...codes.subarray(i, Math.min(i + 8192, count)));
  return { text: decoded, from: starts.subarray(0, count + 1) };
}

/**
 * A URL-encoded run scrubbed as its decoded text reads: a URL with a password or a webhook URL
 * passed as a query parameter (`cb=https%3A%2F%2Fhooks.slack.com%2Fservices%2F…`), a token whose
 * own characters are escaped (`ghp%5F…`). When the decoded text holds a secret, the stretch from
 * its first to its last changed character is replaced by its scrubbed, decoded text; the run's
 * text before and after that keeps its encoding.
 */
function scrubEncodedRun(run: string): string {
  let decoded = run;
  let from: Int32Array = Int32Array.from({ length: run.length + 1 }, (_, i) => i);
  for (let level = 0; level < ENCODING_LEVELS; level++) {
    const next = decodeEscapes(decoded, from);
    if (next === undefined) break;
    decoded = next.text;
    from = next.from;
  }
  if (decoded === run) return run;
  const scrubbed = scrubPlainText(decoded);
  if (scrubbed === decoded) return run;
  const shorter = Math.min(decoded.length, scrubbed.length);
  let head = 0;
  while (head < shorter && decoded.charCodeAt(head) === scrubbed.charCodeAt(head)) head++;
  let tail = 0;
  while (tail < shorter - head && decoded.charCodeAt(decoded.length - 1 - tail) === scrubbed.charCodeAt(scrubbed.length - 1 - tail)) tail++;
  return run.slice(0, from[head]) + scrubbed.slice(head, scrubbed.length - tail) + run.slice(from[decoded.length - tail]);
}

/**
 * Replaces every secret found in `text` with a typed placeholder such as
 * `[REDACTED:github-token]`. Idempotent: scrubbing scrubbed text changes nothing.
 *
 * The text is scrubbed as it is, then each URL-encoded run in it is scrubbed as it reads
 * decoded (`scrubEncodedRun`), for the secrets that only show once decoded.
 */
export function scrubSecrets(text: string): string {
  const plain = scrubPlainText(text);
  if (!plain.includes("%")) return plain;
  const decoded = plain.replace(URL_RUN, (run) => (run.includes("%") ? scrubEncodedRun(run) : run));
  return decoded === plain ? plain : scrubPlainText(decoded);
}

/** Whether `text` holds anything `scrubSecrets` would redact. */
export function containsSecret(text: string): boolean {
  return scrubSecrets(text) !== text;
}
