import { createHash } from "node:crypto";
import type { ArtifactError, ArtifactWarning } from "./artifact-error.js";
import type { ArtifactLimits } from "./artifact-limits.js";
import type { ConsumerArtifact, Hit } from "./consumer-artifact-schema.js";
import { extractArtifactJson } from "./extract-artifact-json.js";
import { fingerprintHits, type FingerprintedHit } from "./fingerprint-hit.js";
import type { HmacKey } from "./parse-hmac-keys.js";
import { parseArtifact } from "./parse-artifact.js";
import { describeSignatureVerdict, verifySignature } from "./verify-signature.js";

export type CheckedArtifact =
  | {
      verdict: "valid";
      artifact: ConsumerArtifact;
      hits: FingerprintedHit<Hit>[];
      warnings: ArtifactWarning[];
      /** How the signature was judged ("signature valid (key …)", or that none was required). */
      signature: string;
      sha256: string;
    }
  | { verdict: "invalid"; errors: ArtifactError[]; sha256: string }
  | { verdict: "signature_invalid"; error: string; sha256: string; auditId: string };

export interface CheckArtifactInput {
  zip: Uint8Array;
  limits: ArtifactLimits;
  keys: readonly HmacKey[];
  /** The signature must be present and valid (policy `always`, or `forks` for a fork's run). */
  requireSignature: boolean;
}

/**
 * The gate, without I/O: safe unzip → parse and validate → signature policy → fingerprints.
 * A signature that is present is always checked: a wrong one fails even where none is required.
 */
export function checkArtifact({ zip, limits, keys, requireSignature }: CheckArtifactInput): CheckedArtifact {
  const sha256 = createHash("sha256").update(zip).digest("hex");
  const extracted = extractArtifactJson(zip, { limits });
  if (!extracted.ok) return { verdict: "invalid", errors: [extracted.error], sha256 };

  const parsed = parseArtifact(extracted.bytes, { limits });
  if (!parsed.ok) return { verdict: "invalid", errors: parsed.errors, sha256 };

  const auditId = parsed.artifact.audit_id;
  const verdict = verifySignature(parsed.document, keys);
  if (verdict.status === "missing" && requireSignature) {
    return { verdict: "signature_invalid", error: `${describeSignatureVerdict(verdict)}, and policy requires one`, sha256, auditId };
  }
  if (verdict.status !== "missing" && verdict.status !== "valid") {
    return { verdict: "signature_invalid", error: describeSignatureVerdict(verdict), sha256, auditId };
  }
  return {
    verdict: "valid",
    artifact: parsed.artifact,
    hits: fingerprintHits(parsed.artifact.org_unregistered_hits),
    warnings: parsed.warnings,
    signature: verdict.status === "valid" ? describeSignatureVerdict(verdict) : "unsigned (not required for this run)",
    sha256,
  };
}
