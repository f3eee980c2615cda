import { readFileSync } from "node:fs";

export interface SubsetParameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: Record<string, unknown>;
}

/** A declared response: its JSON body schema (refs into `components.schemas`), none for 204, 302, 304. */
export interface SubsetResponse {
  schema?: Record<string, unknown>;
}

export interface SubsetOperation {
  /** Upper case, e.g. "POST". */
  method: string;
  /** Path template, e.g. "/repos/{owner}/{repo}/issues". */
  route: string;
  operationId: string;
  parameters: SubsetParameter[];
  requestBody: { required: boolean; schema: Record<string, unknown> } | undefined;
  /** Keyed by status ("200", "404"). */
  responses: Record<string, SubsetResponse>;
}

export interface OpenApiSubset {
  /** The parsed file as it is (a JSON Schema root for `$ref`s such as `#/components/schemas/issue`). */
  document: Record<string, unknown>;
  operations: SubsetOperation[];
}

interface SubsetFile {
  paths: Record<string, Record<string, Omit<SubsetOperation, "method" | "route">>>;
}

let cached: OpenApiSubset | undefined;

/** The trimmed file written by `scripts/extract-openapi-subset.ts`, parsed once per process. */
export function readOpenApiSubset(): OpenApiSubset {
  if (cached) return cached;
  const document = JSON.parse(readFileSync(new URL("./openapi-subset.json", import.meta.url), "utf8")) as SubsetFile & Record<string, unknown>;
  const operations: SubsetOperation[] = [];
  for (const [route, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      operations.push({
        method: method.toUpperCase(),
        route,
        operationId: operation.operationId,
        parameters: operation.parameters,
        requestBody: operation.requestBody,
        responses: operation.responses,
      });
    }
  }
  cached = { document, operations };
  return cached;
}

/** The operations of GitHub's OpenAPI description the simulator serves. */
export function loadOpenApiSubset(): SubsetOperation[] {
  return readOpenApiSubset().operations;
}
