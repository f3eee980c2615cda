import { createHash } from "node:crypto";
import type { ArtifactError, ArtifactWarning } from "./artifact-error.js";
import type { ArtifactLimits } from "./artifact-limits.js";
import type { ConsumerArtifact, Hit } from "./consumer-artifact-schema.js";
import { extractArtifactJson, streamArtifactJson } from "./extract-artifact-json.js";
import { fingerprintHits, type FingerprintedHit } from "./fingerprint-hit.js";
import type { HmacKey } from "./parse-hmac-keys.js";
import { parseArtifact, parseSplitArtifact, type ParseArtifactResult } from "./parse-artifact.js";
import { checkProvenance, type ArtifactOrigin } from "./check-provenance.js";
import { judgeSignature } from "./signature-policy.js";
import { SplitArtifactParser } from "./split-artifact-parser.js";

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
  /** The signature must be present and valid (see `signatureRequired`). */
  requireSignature: boolean;
  /** The run the zip was downloaded from: the artifact's `source` must name it. */
  origin: ArtifactOrigin;
  now: Date;
}

/**
 * The gate, without I/O: safe unzip → parse and validate → signature policy → provenance
 * (bound to its run, not future-dated) → fingerprints. A signature that is present is always
 * checked: a wrong one fails even where none is required. The file is parsed as it is
 * decompressed, in batches of hits, so neither its bytes nor its text are ever held whole; a file
 * that parse declines is unzipped again and read whole, which names what is wrong.
 */
export function checkArtifact({ zip, limits, keys, requireSignature, origin, now }: CheckArtifactInput): CheckedArtifact {
  const sha256 = createHash("sha256").update(zip).digest("hex");
  const split = new SplitArtifactParser(limits);
  const extracted = streamArtifactJson(zip, (chunk) => split.pushBytes(chunk), { limits });
  if (!extracted.ok) return { verdict: "invalid", errors: [extracted.error], sha256 };

  const parsed = parseSplitArtifact(split.end(), { limits }) ?? parseExtractedAgain(zip, limits);
  if (!parsed.ok) return { verdict: "invalid", errors: parsed.errors, sha256 };

  const auditId = parsed.artifact.audit_id;
  const signature = judgeSignature({ document: parsed.document, keys, required: requireSignature });
  if (!signature.ok) return { verdict: "signature_invalid", error: signature.error, sha256, auditId };

  const provenance = checkProvenance({ artifact: parsed.artifact, origin, signatureRequired: requireSignature, now });
  if (provenance.length > 0) return { verdict: "invalid", errors: provenance, sha256 };
  return {
    verdict: "valid",
    artifact: parsed.artifact,
    hits: fingerprintHits(parsed.artifact.org_unregistered_hits),
    warnings: parsed.warnings,
    signature: signature.description,
    sha256,
  };
}

/**
 * The file the split parse declined, unzipped again and read whole, so its errors keep their
 * messages and positions: the same archive passed the same checks a moment ago.
 */
function parseExtractedAgain(zip: Uint8Array, limits: ArtifactLimits): ParseArtifactResult {
  const extracted = extractArtifactJson(zip, { limits });
  if (!extracted.ok) return { ok: false, errors: [extracted.error] };
  return parseArtifact(extracted.bytes, { limits });
}
