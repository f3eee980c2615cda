import type { Hit, Severity } from "../artifact/consumer-artifact-schema.js";
import type { FingerprintedHit } from "../artifact/fingerprint-hit.js";
import { scrubSecrets } from "../artifact/scrub-secrets.js";

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

/**
 * Annotations for the findings located in `repository` (others are not in this commit's
 * files), most severe first, at most `limit`; snippets are secret-scrubbed.
 */
export function buildAnnotations({
  hits,
  repository,
  limit,
}: {
  hits: readonly FingerprintedHit<Hit>[];
  repository: string;
  limit: number;
}): { annotations: CheckAnnotation[]; omitted: number } {
  const own = hits
    .map((h) => h.hit)
    .filter((hit) => hit.repo.toLowerCase() === repository.toLowerCase())
    .sort((a, b) => rank(b.severity) - rank(a.severity) || a.path.localeCompare(b.path) || a.line_number - b.line_number);
  const annotations = own.slice(0, limit).map(
    (hit): CheckAnnotation => ({
      path: hit.path,
      start_line: hit.line_number,
      end_line: hit.line_number,
      annotation_level: LEVELS[hit.severity],
      title: `${hit.severity}: unregistered ${hit.pattern}`.slice(0, 255),
      message:
        `Unregistered use of pattern "${hit.pattern}"${hit.rule_id ? ` (rule ${hit.rule_id})` : ""}.` +
        (hit.snippet ? `\n\n${scrubSecrets(hit.snippet)}` : ""),
    }),
  );
  return { annotations, omitted: own.length - annotations.length };
}

function rank(severity: Severity): number {
  return ["low", "medium", "high", "critical"].indexOf(severity);
}
