import { readFileSync } from "node:fs";
import path from "node:path";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { parse } from "yaml";

export interface ParsedGithubWorkflow {
  /** What GitHub's own workflow parser (`@actions/workflow-parser`) reports: unknown keys, missing required ones, bad values. */
  errors: string[];
  /** The file as plain data, for reading steps, env and services. */
  workflow: GithubWorkflow;
}

export interface GithubWorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  "working-directory"?: string;
}

export interface GithubWorkflowJob {
  "runs-on"?: string;
  container?: { image: string; options?: string };
  env?: Record<string, string>;
  services?: Record<string, { image: string; env?: Record<string, string>; ports?: string[]; options?: string }>;
  steps: GithubWorkflowStep[];
}

export interface GithubWorkflow {
  name?: string;
  on: unknown;
  env?: Record<string, string>;
  jobs: Record<string, GithubWorkflowJob>;
}

/** Reads a GitHub Actions workflow file and checks it against GitHub's workflow schema. */
export function parseGithubWorkflow(file: string): ParsedGithubWorkflow {
  const content = readFileSync(file, "utf8");
  const result = parseWorkflow({ name: path.basename(file), content }, new NoOperationTraceWriter());
  return {
    errors: result.context.errors.getErrors().map((error) => error.message),
    workflow: parse(content) as GithubWorkflow,
  };
}
