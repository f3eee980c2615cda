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
const rsJwtSignature = fill(86, "Rs2_5-6Sig");
const rsJwt = "eyJ" + "hbGciOiJSUzI1NiIsImtpZCI6ImNvcnB1cyJ9" + "." + "eyJ" + "pc3MiOiJodHRwczovL2lkcC5leGFtcGxlIiwiZXhwIjo0MTAyNDQ0ODAwfQ" + "." + rsJwtSignature;
const pem = (label: string, body: string, end = true): string =>
  `-----BEGIN ${label} ${"PRIVATE"} KEY-----\\n${body}` + (end ? `\\n-----END ${label} ${"PRIVATE"} KEY-----` : "");
const ecBody = "MHcCAQEEIC" + fill(40, "Ec9kQ");
const pkcs8Body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + fill(40, "P8kZ");
const opensshBody = "b3BlbnNzaC1rZXktdjEAAAAA" + fill(40, "Os5hK");
const encryptedBody = "MIIFHzBJBgkqhkiG9w0BBQ0wPDAb" + fill(40, "En7cR");
const dsaBody = "MIIBuwIBAAKBgQ" + fill(40, "Ds4aQ");
const pgpBody = "lQOYBGCorpus" + fill(40, "Pg8pX");
const sasSig = "CorpusSasUrl7Kq2%2Bsig%2FxYz%3D";
const opaqueBearer = "OpaqueBearer" + fill(28, "7Kx9");
const proxyBasic = base64("proxy-corpus:Proxy-Basic-Pw9");
const npmrcAuth = base64("npm-corpus:Npmrc-Auth-Pw5");
const adoPat84 = fill(52, "Co9rPu5Ad") + "JQQJ" + "99BA" + fill(16, "Xc2") + "AZ" + "DO" + "Qz1K";
const adoPat52 = fill(52, "k3mq7vz2corpus");
const adoPat52b = fill(52, "w6nt4xr2ado");
const encodedBearer = "CorpusEncodedBearer7" + fill(24, "Eb3") + "%2B" + fill(8, "Xq9") + "%2F" + fill(8, "Yr4");
const encodedQueryToken = "CorpusQueryTok9" + fill(20, "Qt4");

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

  // More of each family: every GitHub token prefix, AWS temporary keys, every kind of PEM
  // block (and one cut off), other JWTs, Slack, Stripe, SendGrid, Azure, npm and Google
  // credentials in the places they are found, Basic and Bearer headers, URL passwords.
  example("github-token", "gho_" + fill(36, "Oa2u")),
  example("github-token", "ghu_" + fill(36, "Us3r")),
  example("github-token", "ghs_" + fill(36, "Sv5r")),
  example("github-token", "ghr_" + fill(76, "Rf6h")),
  example("github-token", "github_" + "pat_" + fill(22, "Fg7n") + "_" + fill(59, "Pat3Gr")),
  example("github-token", `git clone https://x-access-token:${"ghs_" + fill(36, "Cl0n")}@github.com/acme/app.git`, "ghs_" + fill(36, "Cl0n")),
  example("aws-access-key-id", "ASIA" + "CORPUSTEMP7KEY01"),
  example("aws-secret-access-key", `"SecretAccessKey": "${fill(40, "Tmp9/Se+cK")}"`, fill(40, "Tmp9/Se+cK")),
  example("private-key", pem("EC", ecBody), ecBody),
  example("private-key", pem("", pkcs8Body).replace("BEGIN  ", "BEGIN ").replace("END  ", "END "), pkcs8Body),
  example("private-key", pem("OPENSSH", opensshBody), opensshBody),
  example("private-key", pem("ENCRYPTED", encryptedBody), encryptedBody),
  example("private-key", pem("DSA", dsaBody), dsaBody),
  example("private-key", `-----BEGIN PGP ${"PRIVATE"} KEY BLOCK-----\\n\\n${pgpBody}\\n-----END PGP ${"PRIVATE"} KEY BLOCK-----`, pgpBody),
  example("private-key", pem("RSA", "MIIEowIBAAKCAQEA" + fill(40, "Cut7Rs"), false), "MIIEowIBAAKCAQEA" + fill(40, "Cut7Rs")),
  example("jwt", `id_token=${rsJwt}`, rsJwtSignature),
  example("slack-token", "xox" + "p-" + "123456789012-123456789012-1234567890123-" + fill(32, "0a9f")),
  example("slack-token", "xa" + "pp-1-" + "A0CORPUS1-1234567890123-" + fill(64, "0a9f1b")),
  example("slack-webhook-url", `SLACK_WEBHOOK=https://hooks.slack${".com"}/workflows/T0CORPUS1/A0CORPUS2/123456789/${fill(24, "Wf8k")}`, fill(24, "Wf8k")),
  example("stripe-key", "rk_" + "live_" + fill(24, "Rk4s")),
  example("stripe-key", "sk_" + "test_" + fill(24, "Ts6t")),
  example("sendgrid-api-key", `sg.setApiKey("${"SG." + fill(22, "Se9n") + "." + fill(43, "Dk2y")}")`, "SG." + fill(22, "Se9n") + "." + fill(43, "Dk2y")),
  example("azure-sas", `https://corpus.blob.core.windows.net/c/b.zip?sv=2022-11-02&sr=b&sp=r&sig=${sasSig}&se=2030-01-01`, sasSig),
  example("azure-client-secret", `AZURE_CLIENT_SECRET=${"Ab1" + "7Q~" + fill(34, "Az_Cl.ie-nt~")}`, "Ab1" + "7Q~" + fill(34, "Az_Cl.ie-nt~")),
  example("npmrc-auth", `//npm.corpus.example/:_auth=${npmrcAuth}`, npmrcAuth),
  example("npm-token", `NPM_TOKEN=${"npm_" + fill(36, "Ci7n")}`, "npm_" + fill(36, "Ci7n")),
  example("google-api-key", `https://maps.googleapis.com/maps/api/geocode/json?address=x&key=${"AI" + "za" + fill(35, "Mp4_-")}`, "AI" + "za" + fill(35, "Mp4_-")),
  example("authorization", `Proxy-Authorization: Basic ${proxyBasic}`, proxyBasic),
  example("authorization", `curl -H "Authorization: Bearer ${opaqueBearer}" https://api.corpus.example`, opaqueBearer),
  example("github-token", `https://${"ghp_" + fill(36, "Ur1l")}@github.com/acme/app.git`, "ghp_" + fill(36, "Ur1l")),
  example("google-oauth-access-token", "ya29." + fill(150, "a0Ad_x-9Kq")),
  example("azure-apim-subscription-key", `Ocp-Apim-Subscription-Key: ${fill(32, "9f8e7d6c5b4a")}`, fill(32, "9f8e7d6c5b4a")),
  example("url-password", "postgres://app:PgCorpusPw4@db.internal.example:5432/app", "PgCorpusPw4"),
  example("url-password", "mongodb+srv://svc:MongoCorpusPw6@cluster0.example.net/app", "MongoCorpusPw6"),
  example("url-password", "redis://:RedisCorpusPw8@cache.internal.example:6379/0", "RedisCorpusPw8"),
  example("url-password", "amqps://queue:Amqp%40Corpus%3APw2@mq.internal.example/vhost", "Amqp%40Corpus%3APw2", "Amqp@Corpus:Pw2"),

  // Azure DevOps tokens, URL-encoded credentials and the vendors added with them.
  example("azure-devops-pat", adoPat84),
  example("azure-devops-pat", `AZURE_DEVOPS_EXT_PAT=${adoPat52}`, adoPat52),
  example("azure-devops-pat", `https://build:${adoPat52b}@dev.azure${".com"}/corpus/app/_git/app`, adoPat52b),
  example("authorization", `GET /cb?next=%2Fapi&Authorization%3A%20Bearer%20${encodedBearer}%3D HTTP/1.1`, encodedBearer),
  example("url-query-secret", `redirect=https%3A%2F%2Fapp.example%2Fcb%3Faccess_token%3D${encodedQueryToken}%26state%3D1`, encodedQueryToken),
  example("gitlab-token", "glrt-" + fill(20, "Rn9t")),
  example("gitlab-token", `CI_JOB_TOKEN=${"glcbt-" + "64_" + fill(20, "Jb7t")}`, "glcbt-" + "64_" + fill(20, "Jb7t")),
  example("twilio-api-key", "SK" + fill(32, "0f1e2d3c4b5a")),
  example("hashicorp-vault-token", `VAULT_TOKEN=${"hvs." + fill(90, "CAESIVa9")}`, "hvs." + fill(90, "CAESIVa9")),
  example("terraform-cloud-token", fill(14, "Tf4Cl") + ".atlas" + "v1." + fill(67, "Tfc9_=-")),
  example("pulumi-access-token", "pul-" + fill(40, "0a1b2c3d4e5f")),
  example("postman-api-key", "PMAK-" + fill(24, "0a1b2c3d") + "-" + fill(34, "4e5f6a7b")),
  example("grafana-token", "glsa_" + fill(32, "Gr4f") + "_" + fill(8, "0a1b")),
  example("grafana-token", "glc_" + "eyJ" + fill(80, "Gc7l")),
  example("sentry-token", "sntrys_" + "eyJ" + fill(80, "Sn7r") + "_" + fill(43, "Sc2t")),
  example("sentry-token", "sntryu_" + fill(64, "0a1b2c3d4e5f")),
  example("doppler-token", "dp.pt." + fill(43, "Dp7l")),
  example("age-secret-key", "AGE-SECRET-KEY-1" + fill(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")),
  example("atlassian-api-token", "ATATT3" + "xFfGF0" + fill(180, "At1s_=-")),
  example("new-relic-api-key", "NRAK-" + fill(27, "N7R3L1C")),
];

/** Every string of the corpus that must never be shown. */
export const CORPUS_SECRETS: readonly string[] = SECRET_EXAMPLES.flatMap((e) => e.secrets);
