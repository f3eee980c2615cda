/**
 * Secret scrubbing for any text that leaves the app: digest snippets, paths and patterns, check
 * run output and annotations, stored findings, fallback records and logs. Dependency-free on
 * purpose so every layer can use it.
 *
 * The rule set covers the kinds of secret in secretlint's recommended preset (AWS, GCP, private
 * keys, npm, basic auth and database connection strings, Slack, SendGrid, Shopify, GitHub,
 * OpenAI, Anthropic, Linear, 1Password) plus Azure, Databricks and other vendors, each written
 * from the token format the vendor publishes. A match is replaced by a typed placeholder such as
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
 * missed secret costs more than a redacted identifier. No pattern matches a placeholder, so
 * scrubbing scrubbed text changes nothing.
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
  return /^[\x20-\x7e]{1,512}$/.test(decoded) && decoded.includes(":") && !decoded.startsWith(":");
}

/** HTTP authentication schemes: a scheme name alone is not a credential. */
const AUTH_SCHEME = "(?:basic|bearer|token|digest|negotiate|ntlm|hoba|mutual|aws4-hmac-sha256)";

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
    // GitLab personal access tokens: glpat- and at least 20 characters (newer tokens add
    // dot-separated parts).
    kind: "gitlab-token",
    name: "GitLab personal access tokens (glpat-)",
    pattern: /glpat-[A-Za-z0-9_.-]{20,200}/g,
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
    pattern: /(?<![A-Za-z0-9])ya29\.[A-Za-z0-9_-]{20,2048}/g,
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
    pattern: /(?<![A-Za-z0-9])hf_[A-Za-z]{34}(?![A-Za-z0-9])/g,
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
    pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}/g,
  },
  {
    // JSON Web Tokens: base64url header and payload (both JSON objects, so `eyJ`), signature.
    kind: "jwt",
    name: "JSON Web Tokens (eyJ….eyJ….…)",
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
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
    // HTTP Basic credentials anywhere: `Basic <base64 of user:password>` (RFC 7617).
    kind: "basic-auth",
    name: "HTTP Basic credentials (Basic <base64 user:password>)",
    pattern: /(?<pre>(?<![A-Za-z0-9])[Bb]asic\s{1,4})(?<secret>[A-Za-z0-9+/]{4,1024}={0,2})(?![A-Za-z0-9+/=])/g,
    replace: (g) => (isBasicCredential(g.secret ?? "") ? `${g.pre}${placeholder("basic-auth")}` : undefined),
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
  rule.pattern.lastIndex = 0;
  const replace = rule.replace;
  if (replace === undefined) return text.replace(rule.pattern, placeholder(rule.kind));
  return text.replace(rule.pattern, (...args: unknown[]) => {
    const match = args[0] as string;
    const groups = args[args.length - 1] as Groups;
    return replace(groups) ?? match;
  });
}

/**
 * Replaces every secret found in `text` with a typed placeholder such as
 * `[REDACTED:github-token]`. Idempotent: scrubbing scrubbed text changes nothing.
 */
export function scrubSecrets(text: string): string {
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

/** Whether `text` holds anything `scrubSecrets` would redact. */
export function containsSecret(text: string): boolean {
  return scrubSecrets(text) !== text;
}
