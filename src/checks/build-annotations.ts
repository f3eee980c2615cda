import type { Hit, Severity } from "../artifact/consumer-artifact-schema.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import { containsSecret, scrubSecrets } from "../artifact/scrub-secrets.js";

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

const LEVELS: Record<Severity, CheckAnnotation["annotation_level"]> = {
  critical: "failure",
  high: "failure",
  medium: "warning",
  low: "notice",
};

export interface BuiltAnnotations {
  annotations: CheckAnnotation[];
  /** Findings in the repository left out because of the limit. */
  omitted: number;
  /**
   * Findings in the repository not annotated because their path holds a secret: GitHub needs
   * the real path to place an annotation, and the path must not be sent.
   */
  withheld: number;
  /** Findings in the repository not annotated because the digest suppresses them (dismissed, muted, configured). */
  suppressed: number;
}

/**
 * Annotations for the findings located in `repository` (others are not in this commit's
 * files), most severe first, at most `limit`. Pattern, rule id and snippet are secret-scrubbed;
 * a finding whose path holds a secret is withheld and counted; a finding the digest suppresses
 * (its fingerprint in `suppressed`) is left out and counted.
 */
export function buildAnnotations({
  hits,
  repository,
  limit,
  suppressed = new Set(),
}: {
  hits: readonly FingerprintedHit<Hit>[];
  repository: string;
  limit: number;
  /** Fingerprints of the findings the digest suppresses. */
  suppressed?: ReadonlySet<string>;
}): BuiltAnnotations {
  const inRepository = hits.filter((h) => h.hit.repo.toLowerCase() === repository.toLowerCase());
  const own = inRepository.filter((h) => !suppressed.has(h.fingerprint)).map((h) => h.hit);
  const shown = own
    .filter((hit) => !containsSecret(hit.path))
    .sort((a, b) => rank(b.severity) - rank(a.severity) || a.path.localeCompare(b.path) || a.line_number - b.line_number);
  const annotations = shown.slice(0, limit).map((hit): CheckAnnotation => {
    const pattern = scrubSecrets(hit.pattern);
    return {
      path: hit.path,
      start_line: hit.line_number,
      end_line: hit.line_number,
      annotation_level: LEVELS[hit.severity],
      title: `${hit.severity}: unregistered ${pattern}`.slice(0, 255),
      message:
        `Unregistered use of pattern "${pattern}"${hit.rule_id ? ` (rule ${scrubSecrets(hit.rule_id)})` : ""}.` +
        (hit.snippet ? `\n\n${scrubSecrets(hit.snippet)}` : ""),
    };
  });
  return {
    annotations,
    omitted: shown.length - annotations.length,
    withheld: own.length - shown.length,
    suppressed: inRepository.length - own.length,
  };
}

function rank(severity: Severity): number {
  return ["low", "medium", "high", "critical"].indexOf(severity);
}
