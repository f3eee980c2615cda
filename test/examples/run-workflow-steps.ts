import path from "node:path";
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import { truthy } from "@actions/expressions/result";
import type { GithubWorkflow, GithubWorkflowStep } from "../support/parse-github-workflow.js";
import { runProcessGroup } from "../support/run-process-group.js";

/** What a run of the workflow sees in `${{ … }}`: the event, its secrets and variables. */
export interface WorkflowRunContext {
  github: {
    event_name: string;
    repository: string;
    sha: string;
    ref: string;
    run_id: number;
    event: Record<string, unknown>;
  };
  secrets: Record<string, string>;
  vars: Record<string, string>;
}

export interface WorkflowStepsRun {
  /** Names of the `run:` steps executed, in order. */
  ran: string[];
  /** Names of the steps skipped by their `if:`. */
  skippedByCondition: string[];
}

function evaluate(expression: string, context: Record<string, unknown>): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const parsed = new Parser(lexed.tokens, Object.keys(context), []).parse();
  return new Evaluator(parsed, JSON.parse(JSON.stringify(context), data.reviver) as data.Dictionary).evaluate();
}

/** Replaces every `${{ … }}` in `text` with its value, as the runner does before a step starts. */
function interpolate(text: string, context: Record<string, unknown>): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_match, expression: string) => evaluate(expression.trim(), context).coerceString());
}

/**
 * Runs the `run:` steps of one job of a workflow in `cwd`, as GitHub's runner would on Linux:
 * `${{ }}` expressions evaluated with GitHub's own evaluator, `if:` conditions honoured, env
 * merged from the workflow, the job and the step, the default `GITHUB_*` variables set, and each
 * script run by `bash --noprofile --norc -eo pipefail`. Action steps (`uses:`) and the steps
 * named in `skip` are not run. A failing step throws with its output.
 */
export async function runWorkflowSteps({
  workflow,
  job,
  cwd,
  context,
  skip,
}: {
  workflow: GithubWorkflow;
  job: string;
  cwd: string;
  context: WorkflowRunContext;
  skip: readonly string[];
}): Promise<WorkflowStepsRun> {
  const definition = workflow.jobs[job];
  if (!definition) throw new Error(`the workflow has no job ${job}`);
  const expressionContext = { github: context.github, secrets: context.secrets, vars: context.vars };
  const withEnv = (env: Record<string, string>) => ({ ...expressionContext, env });
  const resolveEnv = (env: Record<string, string> | undefined, outer: Record<string, string>) =>
    Object.fromEntries(Object.entries(env ?? {}).map(([name, value]) => [name, interpolate(String(value), withEnv(outer))]));

  const workflowEnv = resolveEnv(workflow.env, {});
  const jobEnv = { ...workflowEnv, ...resolveEnv(definition.env, workflowEnv) };
  const result: WorkflowStepsRun = { ran: [], skippedByCondition: [] };

  for (const step of definition.steps) {
    const name = stepName(step);
    if (step.run === undefined || skip.includes(name)) continue;
    const env = { ...jobEnv, ...resolveEnv(step.env, jobEnv) };
    if (step.if !== undefined) {
      const condition = step.if.replace(/^\$\{\{([\s\S]*)\}\}$/, "$1").trim();
      if (!truthy(evaluate(condition, withEnv(env)))) {
        result.skippedByCondition.push(name);
        continue;
      }
    }
    const script = interpolate(step.run, withEnv(env));
    // Each step runs in a process group of its own, ended with whatever it left running.
    const run = await runProcessGroup("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
      cwd: step["working-directory"] === undefined ? cwd : path.join(cwd, step["working-directory"]),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CI: "true",
        GITHUB_ACTIONS: "true",
        GITHUB_EVENT_NAME: context.github.event_name,
        GITHUB_REPOSITORY: context.github.repository,
        GITHUB_SHA: context.github.sha,
        GITHUB_REF: context.github.ref,
        GITHUB_RUN_ID: String(context.github.run_id),
        ...env,
      },
    });
    if (run.code !== 0) throw new Error(`step "${name}" failed (exit code ${run.code}):\n${run.stdout}${run.stderr}`);
    result.ran.push(name);
  }
  return result;
}

function stepName(step: GithubWorkflowStep): string {
  return step.name ?? step.uses ?? step.run ?? "(unnamed step)";
}
