import { readFileSync } from "node:fs";

export interface SubsetParameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: Record<string, unknown>;
}

export interface SubsetOperation {
  /** Upper case, e.g. "POST". */
  method: string;
  /** Path template, e.g. "/repos/{owner}/{repo}/issues". */
  route: string;
  operationId: string;
  parameters: SubsetParameter[];
  requestBody: { required: boolean; schema: Record<string, unknown> } | undefined;
}

interface SubsetFile {
  paths: Record<string, Record<string, Omit<SubsetOperation, "method" | "route">>>;
}

let cached: SubsetOperation[] | undefined;

/**
 * The operations of GitHub's OpenAPI description the simulator serves, read from the trimmed
 * file written by `scripts/extract-openapi-subset.ts`.
 */
export function loadOpenApiSubset(): SubsetOperation[] {
  if (cached) return cached;
  const file = JSON.parse(readFileSync(new URL("./openapi-subset.json", import.meta.url), "utf8")) as SubsetFile;
  const operations: SubsetOperation[] = [];
  for (const [route, item] of Object.entries(file.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      operations.push({
        method: method.toUpperCase(),
        route,
        operationId: operation.operationId,
        parameters: operation.parameters,
        requestBody: operation.requestBody,
      });
    }
  }
  cached = operations;
  return operations;
}
