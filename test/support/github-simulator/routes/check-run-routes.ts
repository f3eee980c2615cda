import { annotationJson, checkRunJson } from "../check-run-json.js";
import { notFound } from "../github-error.js";
import { paginate } from "../paginate.js";
import { bodyObject, numberParam, requireRepo, type RouteContext, type RouteDefinition } from "../route-definition.js";
import type { SimAnnotation, SimCheckRun, SimCheckRunAction, SimRepository } from "../simulator-state.js";

const READ = [["checks", "read"]] as const;
const WRITE = [["checks", "write"]] as const;

interface OutputInput {
  title?: string;
  summary?: string;
  text?: string;
  annotations?: SimAnnotation[];
}

function timestamp(value: unknown, fallback: number): number {
  return typeof value === "string" ? Date.parse(value) : fallback;
}

/** Applies create/update fields; annotations append to those already there, as on GitHub. */
function applyCheckRunFields(run: SimCheckRun, body: Record<string, unknown>, now: number): void {
  if (typeof body.name === "string") run.name = body.name;
  if (typeof body.details_url === "string") run.detailsUrl = body.details_url;
  if (typeof body.external_id === "string") run.externalId = body.external_id;
  if (typeof body.started_at === "string") run.startedAt = timestamp(body.started_at, now);
  if (typeof body.status === "string") run.status = body.status as SimCheckRun["status"];
  if (typeof body.conclusion === "string") {
    run.conclusion = body.conclusion;
    run.status = "completed";
  }
  if (run.status === "completed") run.completedAt = timestamp(body.completed_at, run.completedAt ?? now);
  const output = body.output as OutputInput | undefined;
  if (output) {
    if (output.title !== undefined) run.output.title = output.title;
    if (output.summary !== undefined) run.output.summary = output.summary;
    if (output.text !== undefined) run.output.text = output.text;
    run.output.annotations.push(...(output.annotations ?? []).map((annotation) => ({ ...annotation })));
  }
  if (Array.isArray(body.actions)) run.actions = (body.actions as SimCheckRunAction[]).map((action) => ({ ...action }));
}

function findCheckRun(repo: SimRepository, context: RouteContext): SimCheckRun {
  const id = numberParam(context, "check_run_id");
  const run = repo.checkRuns.find((candidate) => candidate.id === id);
  if (!run) throw notFound();
  return run;
}

export const checkRunRoutes: RouteDefinition[] = [
  {
    method: "POST",
    route: "/repos/{owner}/{repo}/check-runs",
    auth: "installation",
    permission: WRITE,
    write: true,
    handler(context) {
      const repo = requireRepo(context);
      const body = bodyObject(context);
      const now = context.state.now();
      const run: SimCheckRun = {
        id: context.state.nextId(),
        checkSuiteId: context.state.nextId(),
        name: String(body.name),
        headSha: String(body.head_sha),
        externalId: null,
        detailsUrl: null,
        status: "queued",
        conclusion: null,
        startedAt: now,
        completedAt: null,
        output: { title: null, summary: null, text: null, annotations: [] },
        actions: [],
        updates: 0,
      };
      applyCheckRunFields(run, body, now);
      repo.checkRuns.push(run);
      return { status: 201, body: checkRunJson(repo, run, context.state.app, context.urls) };
    },
  },
  {
    method: "PATCH",
    route: "/repos/{owner}/{repo}/check-runs/{check_run_id}",
    auth: "installation",
    permission: WRITE,
    write: true,
    handler(context) {
      const repo = requireRepo(context);
      const run = findCheckRun(repo, context);
      applyCheckRunFields(run, bodyObject(context), context.state.now());
      run.updates += 1;
      return { body: checkRunJson(repo, run, context.state.app, context.urls) };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/check-runs/{check_run_id}",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      return { body: checkRunJson(repo, findCheckRun(repo, context), context.state.app, context.urls) };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      const run = findCheckRun(repo, context);
      const page = paginate(run.output.annotations, context.query, context.requestUrl);
      return {
        body: page.items.map((annotation) => annotationJson(repo, run, annotation, context.urls)),
        headers: page.headers,
      };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/commits/{ref}/check-runs",
    auth: "installation",
    permission: READ,
    handler(context) {
      const repo = requireRepo(context);
      const ref = String(context.params.ref);
      const { check_name: checkName, status, filter } = context.query;
      let runs = repo.checkRuns.filter(
        (run) =>
          run.headSha === ref &&
          (typeof checkName !== "string" || run.name === checkName) &&
          (typeof status !== "string" || run.status === status),
      );
      if (filter !== "all") {
        const newest = new Map<string, SimCheckRun>();
        for (const run of runs) newest.set(run.name, run);
        runs = [...newest.values()];
      }
      runs = [...runs].sort((a, b) => b.id - a.id);
      const page = paginate(runs, context.query, context.requestUrl);
      return {
        body: { total_count: runs.length, check_runs: page.items.map((run) => checkRunJson(repo, run, context.state.app, context.urls)) },
        headers: page.headers,
      };
    },
  },
];
