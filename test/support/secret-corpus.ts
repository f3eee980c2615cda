/**
 * One example of every kind of secret the scrubber detects, written the way it appears in code
 * or configuration. Every value is assembled at run time, so no token-shaped literal sits in
 * the repository. `text` holds no control characters, so it fits in a hit's path and pattern
 * as well as in a snippet; `secrets` are the parts of it that must never be shown.
 */
export interface SecretExample {
  /** The kind named in the placeholder, `[REDACTED:<kind>]`. */
  kind: string;
  text: string;
  secrets: string[];
}

/** `n` characters repeating `seed`. */
export function fill(n: number, seed: string): string {
  return seed.repeat(Math.ceil(n / seed.length)).slice(0, n);
}

const base64 = (text: string): string => Buffer.from(text).toString("base64");

function example(kind: string, text: string, ...secrets: string[]): SecretExample {
  return { kind, text, secrets: secrets.length > 0 ? secrets : [text] };
}

const pemBody = "MIIEpAIBAAKCAQEA" + fill(48, "Kx7Qv");
const gcpKeyId = fill(40, "3f9c0e71ab");
const slackHookSecret = fill(24, "Wh7k");
const awsSecret = fill(40, "wJcorp7K/q+");
const azureAccountKey = fill(86, "AzSt0rKy+/");
const azureSharedKey = fill(43, "SaKe9Qz");
const azureSig = "AzSasSig0rpus7Kq2%2BxYz%3D";
const basicCredential = base64("corpus-user:Corpus-Basic-Pass");
const standaloneBasic = base64("svc:Basic-Corpus-Pw");
const jwtSignature = fill(43, "SflK_w-");
const jwt = "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "." + "eyJ" + "zdWIiOiJjb3JwdXMifQ" + "." + jwtSignature;

export const SECRET_EXAMPLES: readonly SecretExample[] = [
  example("private-key", `-----BEGIN RSA ${"PRIVATE"} KEY-----\\n${pemBody}\\n-----END RSA ${"PRIVATE"} KEY-----`, pemBody),
  example("gcp-private-key-id", `"private_key_id": "${gcpKeyId}"`, gcpKeyId),
  example("slack-webhook-url", `https://hooks.slack${".com"}/services/T0CORPUS1/B0CORPUS2/${slackHookSecret}`, slackHookSecret),
  example("github-token", "ghp_" + fill(36, "Co9")),
  example("gitlab-token", "glpat-" + fill(20, "Gl4b")),
  example("aws-access-key-id", "AKIA" + "CORPUSKEY7EXAMPL"),
  example("aws-secret-access-key", `aws_secret_access_key = ${awsSecret}`, awsSecret),
  example("aws-account-id", "aws_account_id = 987654321098", "987654321098"),
  example("slack-token", "xox" + "b-" + "123456789012-1234567890123-" + fill(24, "Sl4c")),
  example("npm-token", "npm_" + fill(36, "Np8m")),
  example("npmrc-auth", "//registry.npmjs.org/:_authToken=NpmrcCorpusAuth-7f3a", "NpmrcCorpusAuth-7f3a"),
  example("google-api-key", "AI" + "za" + fill(35, "GoCo9_")),
  example("google-oauth-client-secret", "GOCSPX-" + fill(28, "Oa7x")),
  example("stripe-key", "sk_" + "live_" + fill(24, "St9p")),
  example("sendgrid-api-key", "SG." + fill(22, "Sg3d") + "." + fill(43, "Gr1d")),
  example("shopify-token", "shpat_" + fill(32, "a1b2c3d4e5f6")),
  example("anthropic-api-key", "sk-ant-" + "api03-" + fill(93, "An7h") + "AA"),
  example("openai-api-key", "sk-" + "proj-" + fill(48, "Op3n")),
  example("linear-api-key", "lin_" + "api_" + fill(40, "Li9n")),
  example("1password-service-account-token", "ops_" + "eyJ" + fill(120, "T1pW")),
  example("1password-secret-key", "A3-CRPS01-7K3M9Q-Z4X8W-2V6B1-N5C7D-H9J3L"),
  example("databricks-token", "dapi" + fill(32, "0a1b2c3d4e5f")),
  example("huggingface-token", "hf_" + fill(34, "HugFace")),
  example("pypi-token", "pypi-" + "AgEIcHlwaS5vcmc" + fill(60, "Py7i")),
  example("dockerhub-token", "dckr_" + "pat_" + fill(27, "Dk5r")),
  example("digitalocean-token", "dop_" + "v1_" + fill(64, "0123456789abcdef")),
  example(
    "azure-storage-key",
    `DefaultEndpointsProtocol=https;AccountName=corpus;AccountKey=${azureAccountKey}==;EndpointSuffix=core.windows.net`,
    azureAccountKey,
  ),
  example(
    "azure-shared-access-key",
    `Endpoint=sb://corpus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${azureSharedKey}=`,
    azureSharedKey,
  ),
  example("azure-sas", `BlobEndpoint=https://corpus.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sp=rl&sig=${azureSig}`, azureSig),
  example("azure-client-secret", "Xy7" + "8Q~" + fill(34, "Cl1ent_Sec.ret-")),
  example("jwt", jwt, jwtSignature),
  example("authorization", `Authorization: Basic ${basicCredential}`, basicCredential),
  example("bearer-token", "token_type Bearer Br3r" + fill(28, "Tk9n"), "Br3r" + fill(28, "Tk9n")),
  example("basic-auth", `Basic ${standaloneBasic}`, standaloneBasic),
  example("url-password", "https://deploy:Pa55@w0rd-Corpus@db.internal.example/app", "Pa55@w0rd-Corpus", "w0rd-Corpus"),
  example("url-query-secret", "jdbc:mysql://db.example/app?user=svc&password=QueryCorpusPw9", "QueryCorpusPw9"),
  example("connection-string-password", "Server=db.example;Database=app;User Id=svc;Password=ConnCorpusPw7!;", "ConnCorpusPw7"),
  example("password", 'DB_PASSWORD="GenericCorpusPw3"', "GenericCorpusPw3"),
];

/** Every string of the corpus that must never be shown. */
export const CORPUS_SECRETS: readonly string[] = SECRET_EXAMPLES.flatMap((e) => e.secrets);
