import { escapeHtml } from "../src/setup/escape-html.js";
import type { CheckRunView, GitHubSimulator, IssueView } from "../test/support/github-simulator/index.js";
import { renderMarkdown } from "./render-markdown.js";

/**
 * A read-only page of what the demo's GitHub holds for `repo`: its issues (the digest first)
 * and pull requests with their comments, and its check runs with their annotations. Every
 * Markdown text is rendered as GitHub shows it; every other string is escaped.
 */
export function renderStatePage({
  sim,
  repo,
  status,
  refreshSeconds,
}: {
  sim: GitHubSimulator;
  repo: string;
  /** One sentence on where the demo is. */
  status: string;
  /** While the demo runs, the page reloads itself this often. */
  refreshSeconds?: number;
}): string {
  const issues = sim.issues(repo).sort((a, b) => Number(b.labels.includes("audit-digest")) - Number(a.labels.includes("audit-digest")) || a.number - b.number);
  const checks = sim.checkRuns(repo).sort((a, b) => a.id - b.id);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
${refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : ""}
<title>audit-digest demo: ${escapeHtml(repo)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; color: #1f2328; }
header p { color: #59636e; }
section.card { border: 1px solid #d1d9e0; border-radius: 6px; margin: 1rem 0; }
section.card > h2, section.card > h3 { margin: 0; padding: 0.6rem 1rem; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; font-size: 1.1rem; }
.body, .comment, .annotations, .meta { padding: 0 1rem; }
.comment { border-top: 1px solid #d1d9e0; }
.who { color: #59636e; font-size: 0.9em; margin: 0.6rem 0 0; }
.label { display: inline-block; padding: 0 0.5em; border-radius: 1em; background: #ddf4ff; font-size: 0.85em; margin-left: 0.3em; }
.success { color: #1a7f37; } .failure { color: #d1242f; } .neutral { color: #59636e; }
code, pre { font: 13px ui-monospace, monospace; background: #f6f8fa; border-radius: 4px; } pre { padding: 0.6rem; overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { border: 1px solid #d1d9e0; padding: 0.2rem 0.5rem; text-align: left; }
</style>
</head>
<body>
<header>
<h1>audit-digest demo: ${escapeHtml(repo)}</h1>
<p>What the app wrote to GitHub (a local simulator of it). ${escapeHtml(status)}</p>
</header>
<h2>Issues</h2>
${issues.length ? issues.map(renderIssue).join("\n") : "<p>No issue yet.</p>"}
<h2>Check runs</h2>
${checks.length ? checks.map(renderCheckRun).join("\n") : "<p>No check run yet.</p>"}
</body>
</html>
`;
}

function renderIssue(issue: IssueView): string {
  const labels = issue.labels.map((label) => `<span class="label">${escapeHtml(label)}</span>`).join("");
  const comments = issue.comments
    .map((comment) => `<div class="comment"><p class="who">${escapeHtml(comment.author)}${comment.byApp ? " (the app)" : ""} commented${comment.reactions.length ? ` · reactions: ${escapeHtml(comment.reactions.join(", "))}` : ""}</p>${renderMarkdown(comment.body)}</div>`)
    .join("\n");
  return `<section class="card issue" id="issue-${issue.number}">
<h3><span class="issue-title">${escapeHtml(issue.title)}</span> #${issue.number} · ${issue.state}${labels}</h3>
<p class="who meta">opened by ${escapeHtml(issue.author)}${issue.byApp ? " (the app)" : ""} · ${issue.comments.length} comment${issue.comments.length === 1 ? "" : "s"}</p>
<div class="body">${issue.body ? renderMarkdown(issue.body) : "<p><em>No description.</em></p>"}</div>
${comments}
</section>`;
}

function renderCheckRun(check: CheckRunView): string {
  const conclusion = check.conclusion ?? check.status;
  const annotations = check.output.annotations;
  const rows = annotations
    .map((a) => `<tr><td>${escapeHtml(a.annotation_level)}</td><td><code>${escapeHtml(a.path)}:${a.start_line}</code></td><td>${escapeHtml(a.title ?? "")}</td><td>${escapeHtml(a.message)}</td></tr>`)
    .join("\n");
  return `<section class="card check-run" id="check-run-${check.id}">
<h3>${escapeHtml(check.name)} on <code>${escapeHtml(check.headSha.slice(0, 7))}</code>: <span class="conclusion ${escapeHtml(conclusion)}">${escapeHtml(conclusion)}</span></h3>
<div class="body">
<p><strong>${escapeHtml(check.output.title ?? "")}</strong></p>
${check.output.summary ? renderMarkdown(check.output.summary) : ""}
</div>
<div class="annotations">
<p class="annotation-count">${annotations.length} annotation${annotations.length === 1 ? "" : "s"}</p>
${annotations.length ? `<table><thead><tr><th>level</th><th>where</th><th>title</th><th>message</th></tr></thead><tbody>${rows}</tbody></table>` : ""}
</div>
</section>`;
}
