import { SEVERITIES } from "../artifact/consumer-artifact-schema.js";
import { scrubSecrets } from "../artifact/scrub-secrets.js";
import { summarizeHits } from "../artifact/summarize-hits.js";
import { formatCount } from "../markdown/format-count.js";
import { codeSpan, fencedCodeBlock } from "../markdown/markdown-code.js";
import { CHECK_RUN_LIMITS } from "./check-run-limits.js";
import type { GateResult } from "./gate-result.js";
import { truncateMarkdown } from "../markdown/truncate-markdown.js";

export interface CheckOutput {
  conclusion: "success" | "failure" | "neutral";
  title: string;
  summary: string;
  text?: string;
}

const MAX_REPOSITORY_ROWS = 300;

/** The trust rule as the check run states it (README: "Who may write what"). */
export const DIGEST_WRITE_RULE =
  "a digest lives in its home repository (digest.repository, default the run's own), and only runs of the home itself or of a repository the home's configuration lists in digest.producers may create, change, close or reopen it; per-repository issues are opened only in those repositories";

/**
 * The check run's conclusion and output for a gate result, within GitHub's size limits. Every
 * text taken from the artifact (tool, repositories, field paths, messages that quote it) is
 * secret-scrubbed.
 */
export function renderCheckOutput(result: GateResult): CheckOutput {
  const budget = CHECK_RUN_LIMITS.textBudget;
  switch (result.kind) {
    case "valid": {
      const { artifact, hits, warnings, signature } = result.checked;
      const summary = summarizeHits(hits.map((h) => h.hit));
      const lines = [
        `Artifact for audit ${codeSpan(artifact.audit_id)} is valid: **${count(summary.total, "finding")}** in ${count(summary.byRepository.length, "repository", "repositories")}.`,
        "",
        `- Signature: ${signature}`,
        ...(result.digest ? [`- Digest issue: [${result.digest.repository}#${result.digest.issueNumber}](${result.digest.url})`] : []),
        ...(result.digestProblem ? [`- **No digest was filed**: ${scrubSecrets(result.digestProblem)}`] : []),
        `- Generated: ${artifact.generated_at} by ${codeSpan(scrubSecrets(`${artifact.tool.name} ${artifact.tool.version}`))}`,
        ...(artifact.complete ? [] : ["- Partial scan (`complete: false`): nothing is resolved or closed by it"]),
        ...(warnings.length ? [`- ${count(warnings.length, "warning")} (unknown fields kept and signed), listed below`] : []),
        "",
        `| Severity | ${SEVERITIES.map((s) => s).reverse().join(" | ")} |`,
        "|---|---:|---:|---:|---:|",
        `| All repositories | ${[...SEVERITIES].reverse().map((s) => summary.bySeverity[s]).join(" | ")} |`,
        ...summary.byRepository
          .slice(0, MAX_REPOSITORY_ROWS)
          .map((r) => `| ${codeSpan(scrubSecrets(r.repository), true)} | ${[...SEVERITIES].reverse().map((s) => r.bySeverity[s]).join(" | ")} |`),
        ...(summary.byRepository.length > MAX_REPOSITORY_ROWS
          ? [`| … ${formatCount(summary.byRepository.length - MAX_REPOSITORY_ROWS)} more repositories | | | | |`]
          : []),
      ];
      const text = warnings.length
        ? truncateMarkdown(warnings.map((w) => `- ${codeSpan(scrubSecrets(w.path) || "(document)")}: ${scrubSecrets(w.message)}`).join("\n"), budget)
        : undefined;
      return {
        conclusion: "success",
        title: `${count(summary.total, "finding")} in ${count(summary.byRepository.length, "repository", "repositories")}`,
        summary: truncateMarkdown(lines.join("\n"), budget),
        ...(text ? { text } : {}),
      };
    }
    case "invalid": {
      const listed = result.errors.slice(0, CHECK_RUN_LIMITS.errorsListed);
      const rest = result.errors.length - listed.length;
      const first = result.errors[0];
      return {
        conclusion: "failure",
        title: `Artifact rejected: ${count(result.errors.length, "error")}`,
        summary: truncateMarkdown(
          `The audit artifact was rejected${first ? `: ${first.path ? `${codeSpan(scrubSecrets(first.path))} ` : ""}${scrubSecrets(first.message)}` : ""}.\n\nFix the producer and run the workflow again. Check an artifact before uploading it with \`audit-digest validate consumer_artifact.json\` (the audit-digest package is not on the npm registry: run \`npm pack\` in the app's repository, then \`npm install\` the tarball), or let that repository's action (\`action.yml\`) validate, sign and upload it.`,
          budget,
        ),
        text: truncateMarkdown(
          [
            ...listed.map((e) => `- ${e.path ? codeSpan(scrubSecrets(e.path)) : "(document)"}: ${scrubSecrets(e.message)}`),
            ...(rest > 0 ? [`- … and ${count(rest, "more error")}`] : []),
          ].join("\n"),
          budget,
        ),
      };
    }
    case "signature_invalid":
      return {
        conclusion: "failure",
        title: "Artifact signature rejected",
        summary: `The audit artifact's signature was rejected: ${scrubSecrets(result.error)}.\n\nSign it with a key listed in the app's AUDIT_HMAC_KEYS: with the \`key-id\` and \`signing-key\` inputs of the action in the app's repository (\`action.yml\`), or with \`audit-digest sign consumer_artifact.json --key-id <id>\` (the audit-digest package is not on the npm registry: run \`npm pack\` in that repository, then \`npm install\` the tarball).`,
        text: `- ${codeSpan("signature")}: ${scrubSecrets(result.error)}`,
      };
    case "config_invalid":
      return {
        conclusion: "failure",
        title: "audit-digest configuration is invalid",
        summary: truncateMarkdown(`The configuration could not be used, so nothing was ingested.\n\n${fencedCodeBlock(scrubSecrets(result.error))}`, budget),
      };
    case "refused":
      return {
        conclusion: "failure",
        title: "Ingest refused: this run may not write that digest",
        summary: truncateMarkdown(
          [
            `Nothing was changed: ${result.reason}.`,
            "",
            `**Rule:** ${DIGEST_WRITE_RULE}`,
            "",
            `**To allow it:** ${result.allow}.`,
          ].join("\n"),
          budget,
        ),
      };
    case "missing":
      return {
        conclusion: "neutral",
        title: "No audit artifact",
        summary: `Workflow run ${result.runId} has no artifact named ${codeSpan(result.artifactName)}, so there was nothing to check. A missing artifact does not resolve any finding.`,
      };
    case "not_ingested":
      return {
        conclusion: "neutral",
        title: "No workflow run ingested yet",
        summary: "No workflow run of this commit has been ingested yet, so there is nothing to re-run. The check completes when a run with the audit artifact finishes.",
      };
    case "stale":
      return {
        conclusion: "neutral",
        title: "No audit artifact arrived",
        summary: `No workflow run of this commit delivered the audit artifact within ${result.hours} hours, so there was nothing to check. Use "Re-run ingest" once a run has produced it.`,
      };
    case "expired":
      return {
        conclusion: "neutral",
        title: "Audit artifact expired",
        summary: `The artifact ${codeSpan(result.artifactName)} of workflow run ${result.runId} has expired on GitHub and cannot be downloaded. Run the workflow again to produce a new one.`,
      };
  }
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}
