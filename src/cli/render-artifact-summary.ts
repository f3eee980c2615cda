import type { ConsumerArtifact } from "../artifact/consumer-artifact-schema.js";
import { SEVERITIES } from "../artifact/consumer-artifact-schema.js";
import { summarizeHits } from "../artifact/summarize-hits.js";
import type { RepoConfig } from "../config/repo-config-schema.js";

export interface RenderedDigest {
  readonly title: string;
  readonly body: string;
}

/** The digest title for an artifact: the config's template with `{audit_id}` filled in. */
export function renderDigestTitle(template: string, auditId: string): string {
  return template.replaceAll("{audit_id}", auditId);
}

/**
 * What would be filed for an artifact, as a plain summary: counts by severity and by
 * repository. Snippets are never included.
 */
export function renderArtifactSummary({
  artifact,
  config,
}: {
  artifact: ConsumerArtifact;
  config: Pick<RepoConfig, "digest">;
}): RenderedDigest {
  const summary = summarizeHits(artifact.org_unregistered_hits);
  const severityText = (counts: Record<string, number>): string =>
    [...SEVERITIES].reverse().map((s) => `${s} ${counts[s] ?? 0}`).join(", ");
  const lines = [
    `Audit ${artifact.audit_id}, generated ${artifact.generated_at} by ${artifact.tool.name} ${artifact.tool.version}.`,
  ];
  if (!artifact.complete) lines.push("Partial scan: findings are reported but nothing is closed.");
  lines.push("", `Findings: ${summary.total} (${severityText(summary.bySeverity)})`);
  if (summary.byRepository.length > 0) {
    lines.push("", "| Repository | Total | Critical | High | Medium | Low |", "|---|---:|---:|---:|---:|---:|");
    for (const repo of summary.byRepository) {
      const c = repo.bySeverity;
      lines.push(`| ${repo.repository} | ${repo.total} | ${c.critical} | ${c.high} | ${c.medium} | ${c.low} |`);
    }
  }
  return { title: renderDigestTitle(config.digest.title, artifact.audit_id), body: `${lines.join("\n")}\n` };
}
