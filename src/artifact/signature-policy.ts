import type { HmacKey } from "./parse-hmac-keys.js";
import { describeSignatureVerdict, verifySignature, type SignatureVerdict } from "./verify-signature.js";

/** When an artifact must carry a valid signature (`artifact.require_signature`). */
export type SignaturePolicy = "always" | "forks" | "never";

/**
 * The policy in force: the configured one, else `always` once the app has keys to verify with
 * (`AUDIT_HMAC_KEYS`), else `forks`.
 */
export function resolveSignaturePolicy({ configured, keys }: { configured: SignaturePolicy | undefined; keys: readonly HmacKey[] }): SignaturePolicy {
  return configured ?? (keys.length > 0 ? "always" : "forks");
}

/**
 * Whether a run's artifact must be signed. A fork's run is attacker-controlled, so `forks` and
 * `always` require a signature from it; callers count a run whose head repository is unknown
 * as a fork.
 */
export function signatureRequired({ policy, fromFork }: { policy: SignaturePolicy; fromFork: boolean }): boolean {
  return policy === "always" || (policy === "forks" && fromFork);
}

export type SignatureJudgement =
  | { ok: true; verdict: SignatureVerdict; description: string; verified: boolean }
  | { ok: false; verdict: SignatureVerdict; error: string };

/**
 * The one signature verdict the app and the command line give for an artifact and a key set:
 * - a valid signature passes;
 * - a wrong one (mismatch, unknown key, malformed, other algorithm) fails even where none is
 *   required, except that a signature nobody can check (no keys configured) is only noted;
 * - a missing signature fails only where one is required.
 */
export function judgeSignature({
  document,
  keys,
  required,
}: {
  document: Readonly<Record<string, unknown>>;
  keys: readonly HmacKey[];
  required: boolean;
}): SignatureJudgement {
  const verdict = verifySignature(document, keys);
  switch (verdict.status) {
    case "valid":
      return { ok: true, verdict, description: describeSignatureVerdict(verdict), verified: true };
    case "missing":
      return required
        ? { ok: false, verdict, error: `${describeSignatureVerdict(verdict)}, and policy requires one` }
        : { ok: true, verdict, description: "unsigned (not required for this run)", verified: false };
    case "unknown_key":
      if (keys.length === 0) {
        return required
          ? { ok: false, verdict, error: "a signature is required, but no keys are configured to verify it (AUDIT_HMAC_KEYS is not set)" }
          : { ok: true, verdict, description: "signed, but not verified: no keys are configured (AUDIT_HMAC_KEYS is not set)", verified: false };
      }
      return { ok: false, verdict, error: describeSignatureVerdict(verdict) };
    case "malformed":
    case "bad_alg":
    case "mismatch":
      return { ok: false, verdict, error: describeSignatureVerdict(verdict) };
  }
}
