/**
 * Secret scrubbing for any text that leaves the app: digest snippets, check run output,
 * fallback records and logs. Dependency-free on purpose so every layer can use it.
 *
 * The patterns follow the token formats the vendors publish (GitHub, AWS, Slack, npm,
 * Google, Stripe) and the kinds of secret covered by secretlint's recommended preset.
 * A match is replaced by a typed placeholder such as `[REDACTED:github-token]`; text
 * around the secret (a key name, a URL's user and host) is kept so the snippet stays useful.
 *
 * Every pattern does bounded work per start position, so scrubbing is linear in the input:
 * - repetitions are bounded (`{m,n}`), or
 * - a token body is an unbounded run of one character class, and the pattern starts with a
 *   negative look-behind for that same class, so a run is only ever entered at its start.
 * No pattern nests quantifiers over overlapping alternatives.
 *
 * Vendor tokens with a fixed prefix are found even when glued to other text (`xghp_…`): a
 * missed secret costs more than a redacted identifier.
 */

/** The prefix every placeholder starts with; text already redacted is left as it is. */
export const REDACTION_PREFIX = "[REDACTED:";

function placeholder(kind: string): string {
  return `${REDACTION_PREFIX}${kind}]`;
}

interface SecretRule {
  /** Kind named in the placeholder. */
  readonly kind: string;
  readonly pattern: RegExp;
  /**
   * Builds the replacement from the named groups. Without it the whole match is replaced.
   * Returning `undefined` keeps the match unchanged.
   */
  readonly replace?: (groups: Readonly<Record<string, string | undefined>>) => string | undefined;
}

/** Replacement that keeps `pre` and `post` and redacts the `secret` group. */
function keepAround(kind: string) {
  return (groups: Readonly<Record<string, string | undefined>>): string =>
    `${groups.pre ?? ""}${placeholder(kind)}${groups.post ?? ""}`;
}

function genericKind(keyword: string): string {
  const k = keyword.toLowerCase();
  if (k.startsWith("pass") || k === "pwd") return "password";
  if (k === "secret") return "secret";
  if (k === "token") return "token";
  return "api-key";
}

const RULES: readonly SecretRule[] = [
  {
    // PEM/OpenSSH/PGP private key blocks, up to the END line, or to the end of the text when
    // the block was cut off (a truncated key is still a key).
    kind: "private-key",
    pattern:
      /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  {
    // Slack incoming webhooks and workflow triggers: the whole URL is the credential.
    kind: "slack-webhook-url",
    pattern: /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{8,300}/g,
  },
  {
    // Classic tokens: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server),
    // ghr_ (refresh); fine-grained personal access tokens: github_pat_.
    kind: "github-token",
    pattern: /(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})/g,
  },
  {
    // AWS access key ids: long-term (AKIA), temporary (ASIA) and the other published prefixes.
    kind: "aws-access-key-id",
    pattern: /(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}/g,
  },
  {
    // AWS secret access keys are 40 base64 characters; recognised where they are assigned.
    kind: "aws-secret-access-key",
    pattern:
      /(?<pre>(?<![A-Za-z0-9])(?:aws_?)?secret_?access_?key["']?\s{0,4}(?:=>|:=|[:=])\s{0,4}["']?)(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    replace: keepAround("aws-secret-access-key"),
  },
  {
    // Slack bot/user/app/refresh tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxo-, xoxe-) and
    // app-level tokens (xapp-).
    kind: "slack-token",
    pattern: /(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,250}/g,
  },
  {
    kind: "npm-token",
    pattern: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
  },
  {
    kind: "google-api-key",
    pattern: /AIza[A-Za-z0-9_-]{35}/g,
  },
  {
    // Stripe secret and restricted keys, live and test.
    kind: "stripe-key",
    pattern: /(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}/g,
  },
  {
    // JSON Web Tokens: base64url header and payload (both JSON objects, so `eyJ`), signature.
    kind: "jwt",
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  },
  {
    // Passwords in URLs: scheme://user:password@host keeps the user and the host.
    kind: "url-password",
    pattern:
      /(?<pre>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:/@"'<>]{0,256}:)(?!\[REDACTED:)(?<secret>[^\s/@"'<>]{1,256})(?<post>@)/g,
    replace: keepAround("url-password"),
  },
  {
    // Generic assignments: password=, secret=, token=, api_key= (also inside longer names such
    // as DB_PASSWORD or "github_token":) with a quoted value of any length or an unquoted value
    // of at least 12 characters that ends where a value ends (so `process.env.X` is code, kept).
    kind: "generic",
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

/** Each pass only ever replaces secrets by placeholders, which no pattern matches again. */
const MAX_PASSES = 4;

function applyRule(text: string, rule: SecretRule): string {
  rule.pattern.lastIndex = 0;
  const replace = rule.replace;
  if (replace === undefined) return text.replace(rule.pattern, placeholder(rule.kind));
  return text.replace(rule.pattern, (...args: unknown[]) => {
    const match = args[0] as string;
    const groups = args[args.length - 1] as Record<string, string | undefined>;
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
