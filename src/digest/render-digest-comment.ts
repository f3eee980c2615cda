import type { DigestTotals } from "./compute-digest-state.js";
import type { DigestFinding } from "./digest-finding.js";
import { compareDigestFindings } from "./digest-finding.js";
import { findingLocation, safeCode, shorten } from "./finding-markdown.js";
import { formatCount } from "../markdown/format-count.js";
import { codeSpan, singleLine } from "../markdown/markdown-code.js";

/**
 * The short comments posted on a digest issue when people must hear about a change (body
 * edits notify nobody). Artifact text is scrubbed and shown only in code spans, where GitHub
 * links no mention or reference; each comment stays far below GitHub's 65,536-character limit
 * (at most a few thousand characters).
 */

/** Findings listed in a "new findings" comment. */
export const COMMENT_TOP_MAX = 5;
const SHOWN_TEXT_MAX = 120;
const COMMENT_SNIPPET_MAX = 100;

/** Artifact text for a code span: scrubbed, one line, bounded. */
function shown(text: string, max = SHOWN_TEXT_MAX): string {
  return shorten(singleLine(safeCode(text)), max);
}

export interface NewFindingsCommentInput {
  /** How many findings are new in this update. */
  count: number;
  /** The most important new findings; the first five (in canonical order) are shown. */
  top: readonly DigestFinding[];
  /** Whether the digest was closed and is reopened because of them. */
  reopened: boolean;
  /** Host for blob links; without it locations are not linked. */
  host?: string;
}

export function renderNewFindingsComment(input: NewFindingsCommentInput): string {
  const { count } = input;
  const lead = input.reopened
    ? `Reopening this digest: **${formatCount(count)} new ${count === 1 ? "finding" : "findings"}** appeared since it was closed.`
    : `**${formatCount(count)} new ${count === 1 ? "finding" : "findings"}** since the last update.`;
  const top = [...input.top].sort(compareDigestFindings).slice(0, COMMENT_TOP_MAX);
  const lines = top.map((f) => {
    const location = input.host === undefined ? codeSpan(`${shown(f.path)}:${f.line}`) : findingLocation(input.host, f);
    const snippet = f.snippet === undefined ? "" : ` · ${codeSpan(shown(f.snippet, COMMENT_SNIPPET_MAX))}`;
    return `- **${f.severity}** · ${codeSpan(shown(f.repo))} · ${location} · ${codeSpan(shown(f.pattern))}${snippet}`;
  });
  const rest = count - top.length;
  if (rest > 0 && top.length > 0) lines.push(`- _…and ${formatCount(rest)} more: see the digest above._`);
  return `${lead}\n\n${lines.join("\n")}${lines.length > 0 ? "\n\n" : ""}<sub>audit-digest</sub>\n`;
}

export interface AllResolvedCommentInput {
  /** How many findings this update resolved. */
  resolved: number;
}

export function renderAllResolvedComment(input: AllResolvedCommentInput): string {
  const what = input.resolved === 1 ? "finding was" : "findings were";
  return (
    `All findings are resolved: a complete scan reported none open` +
    (input.resolved > 0 ? ` (${formatCount(input.resolved)} ${what} resolved since the last update)` : "") +
    `. Closing this digest; it reopens if new findings appear.\n\n<sub>audit-digest</sub>\n`
  );
}

/** The comment an issue update owes people: its new findings, or that all are resolved. */
export function renderLifecycleComment({
  kind,
  findings,
  totals,
  reopened,
  host,
}: {
  kind: "new-findings" | "all-resolved";
  findings: readonly DigestFinding[];
  totals: Pick<DigestTotals, "new" | "resolved">;
  reopened: boolean;
  host: string;
}): string {
  return kind === "all-resolved"
    ? renderAllResolvedComment({ resolved: totals.resolved })
    : renderNewFindingsComment({ count: totals.new, top: findings.filter((f) => f.status === "new"), reopened, host });
}
