import { appJson } from "./account-json.js";
import { nodeId, type ApiUrls } from "./api-urls.js";
import { isoTime } from "./iso-time.js";
import type { SimAnnotation, SimApp, SimCheckRun, SimRepository } from "./simulator-state.js";

export function checkRunJson(repo: SimRepository, run: SimCheckRun, app: SimApp, urls: ApiUrls): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.fullName}/check-runs/${run.id}`;
  return {
    id: run.id,
    node_id: nodeId("CheckRun", run.id),
    head_sha: run.headSha,
    external_id: run.externalId ?? "",
    url: api,
    html_url: `${urls.html}/${repo.fullName}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${urls.html}/apps/${app.slug}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: isoTime(run.startedAt),
    completed_at: run.completedAt === null ? null : isoTime(run.completedAt),
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations.length,
      annotations_url: `${api}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: appJson(app, urls),
    pull_requests: [],
    actions: run.actions.map((action) => ({ ...action })),
  };
}

export function annotationJson(repo: SimRepository, run: SimCheckRun, annotation: SimAnnotation, urls: ApiUrls): Record<string, unknown> {
  return {
    path: annotation.path,
    blob_href: `${urls.html}/${repo.fullName}/blob/${run.headSha}/${annotation.path}`,
    start_line: annotation.start_line,
    end_line: annotation.end_line,
    start_column: annotation.start_column ?? null,
    end_column: annotation.end_column ?? null,
    annotation_level: annotation.annotation_level,
    title: annotation.title ?? null,
    message: annotation.message,
    raw_details: annotation.raw_details ?? null,
  };
}
