/**
 * Builds the trimmed OpenAPI description the GitHub simulator loads
 * (test/support/github-simulator/openapi-subset.json) from GitHub's official one in
 * `@octokit/openapi`, for the operations the simulator serves:
 *
 * - reads only `@octokit/openapi/generated/api.github.com.json` (never the package root);
 * - inlines every `$ref` used by parameters and request bodies;
 * - keeps each operation's JSON responses (status → schema), their schemas as `$ref`s into
 *   `components.schemas`, which holds every schema they reach and nothing else;
 * - rewrites OpenAPI 3.0 `nullable` into JSON Schema that ajv understands;
 * - makes nullable the few properties GitHub answers with null against its description;
 * - drops documentation-only keywords.
 *
 * `npx tsx scripts/extract-openapi-subset.ts` writes it; a test fails when the committed file
 * differs from what this builds.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const REGENERATE_COMMAND = "npx tsx scripts/extract-openapi-subset.ts";

/** Every operation the simulator serves, as `METHOD /template`. */
export const SIMULATED_OPERATIONS = [
  "GET /app",
  "GET /app/installations",
  "GET /app/installations/{installation_id}",
  "POST /app/installations/{installation_id}/access_tokens",
  "GET /app/hook/deliveries",
  "GET /app/hook/deliveries/{delivery_id}",
  "POST /app/hook/deliveries/{delivery_id}/attempts",
  "GET /installation/repositories",
  "GET /rate_limit",
  "GET /search/issues",
  "GET /repos/{owner}/{repo}",
  "GET /repos/{owner}/{repo}/installation",
  "GET /repos/{owner}/{repo}/contents/{path}",
  "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
  "GET /repos/{owner}/{repo}/issues",
  "POST /repos/{owner}/{repo}/issues",
  "GET /repos/{owner}/{repo}/issues/{issue_number}",
  "GET /repos/{owner}/{repo}/pulls/{pull_number}",
  "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
  "PUT /repos/{owner}/{repo}/issues/{issue_number}/lock",
  "DELETE /repos/{owner}/{repo}/issues/{issue_number}/lock",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
  "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/labels",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
  "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
  "GET /repos/{owner}/{repo}/labels",
  "POST /repos/{owner}/{repo}/labels",
  "GET /repos/{owner}/{repo}/labels/{name}",
  "PATCH /repos/{owner}/{repo}/labels/{name}",
  "POST /repos/{owner}/{repo}/check-runs",
  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}",
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
  "GET /repos/{owner}/{repo}/actions/runs/{run_id}",
  "GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts",
  "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}",
  "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
] as const;

/**
 * Where GitHub answers differently from its description, the subset follows the answers, each
 * override named here: `component schema → property → made nullable`.
 * - A workflow run whose head repository (a fork) was deleted has `head_repository: null`.
 */
const KNOWN_NULLABLE_PROPERTIES: ReadonlyArray<readonly [string, string]> = [["workflow-run", "head_repository"]];

/** Formats ajv-formats validates; other (GitHub-specific) formats are dropped. */
const KEPT_FORMATS = new Set(["date-time", "date", "uri", "email"]);
/** Keywords that document a schema but do not constrain it. */
const DROPPED_KEYWORDS = new Set(["description", "example", "examples", "title", "deprecated", "readOnly", "externalDocs"]);
const SCHEMA_REF = "#/components/schemas/";

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolvePointer(spec: JsonObject, ref: string): Json {
  if (!ref.startsWith("#/")) throw new Error(`Only local $refs are supported: ${ref}`);
  let node: Json = spec;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isObject(node) || !(key in node)) throw new Error(`Unresolvable $ref ${ref}`);
    node = node[key] ?? null;
  }
  return node;
}

/** Inlines every `$ref` below `node`. */
function deref(spec: JsonObject, node: Json, seen: readonly string[] = []): Json {
  if (Array.isArray(node)) return node.map((item) => deref(spec, item, seen));
  if (!isObject(node)) return node;
  const ref = node.$ref;
  if (typeof ref === "string") {
    if (seen.includes(ref)) throw new Error(`Cyclic $ref ${ref}; keep it as a component instead`);
    return deref(spec, resolvePointer(spec, ref), [...seen, ref]);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) out[key] = deref(spec, value, seen);
  return out;
}

/** Replaces `node` by what its `$ref` points to (one level: refs inside stay). */
function follow(spec: JsonObject, node: Json): Json {
  let current = node;
  for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops += 1) {
    if (hops > 10) throw new Error(`Too many $ref hops from ${JSON.stringify(node)}`);
    current = resolvePointer(spec, current.$ref);
  }
  return current;
}

/** Turns an OpenAPI 3.0 schema into plain JSON Schema (draft 7 subset) ajv accepts; `$ref`s stay. */
function toJsonSchema(schema: Json): Json {
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith("x-") || key === "nullable") continue;
    if (key === "format" && typeof value === "string" && !KEPT_FORMATS.has(value)) continue;
    if (key === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub)]));
    } else if ((key === "oneOf" || key === "anyOf" || key === "allOf") && Array.isArray(value)) {
      out[key] = value.map(toJsonSchema);
    } else if ((key === "items" || key === "additionalProperties" || key === "not") && isObject(value)) {
      out[key] = toJsonSchema(value);
    } else {
      out[key] = value;
    }
  }
  if (schema.nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  // `nullable` without `type` (e.g. beside oneOf): accept null or whatever the rest accepts.
  return { anyOf: [out, { type: "null" }] };
}

/** Names of the component schemas `node` refers to directly. */
function schemaRefs(node: Json, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) for (const item of node) schemaRefs(item, found);
  else if (isObject(node)) {
    const ref = node.$ref;
    if (typeof ref === "string") {
      if (!ref.startsWith(SCHEMA_REF)) throw new Error(`Response schemas may only refer to component schemas: ${ref}`);
      found.add(ref.slice(SCHEMA_REF.length).replace(/~1/g, "/").replace(/~0/g, "~"));
    }
    for (const value of Object.values(node)) schemaRefs(value, found);
  }
  return found;
}

function extractResponses(spec: JsonObject, operation: JsonObject): JsonObject {
  const responses: JsonObject = {};
  const declared = isObject(operation.responses) ? operation.responses : {};
  for (const [status, raw] of Object.entries(declared)) {
    const response = follow(spec, raw);
    const content = isObject(response) && isObject(response.content) ? response.content : undefined;
    const media = content?.["application/json"];
    // A status without a JSON body (204, 302, 304) is listed so the simulator knows it is declared.
    responses[status] = isObject(media) && media.schema !== undefined ? { schema: toJsonSchema(media.schema) } : {};
  }
  return responses;
}

function extractOperation(spec: JsonObject, operation: JsonObject, pathItem: JsonObject): JsonObject {
  const parameters = [...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])]
    .map((parameter) => deref(spec, parameter))
    .filter(isObject)
    .filter((parameter) => parameter.in === "path" || parameter.in === "query")
    .map((parameter) => ({
      name: parameter.name ?? null,
      in: parameter.in ?? null,
      required: parameter.required === true,
      schema: toJsonSchema(parameter.schema ?? {}),
    }));
  const out: JsonObject = { operationId: operation.operationId ?? null, parameters };
  const body = deref(spec, operation.requestBody ?? null);
  if (isObject(body) && isObject(body.content)) {
    const media = body.content["application/json"];
    if (isObject(media) && media.schema !== undefined) {
      out.requestBody = { required: body.required === true, schema: toJsonSchema(media.schema) };
    }
  }
  out.responses = extractResponses(spec, operation);
  return out;
}

function withKnownNullables(name: string, schema: Json): Json {
  const overrides = KNOWN_NULLABLE_PROPERTIES.filter(([component]) => component === name);
  if (overrides.length === 0) return schema;
  if (!isObject(schema) || !isObject(schema.properties)) throw new Error(`Component schema ${name} has no properties to override`);
  const properties: JsonObject = { ...schema.properties };
  for (const [, property] of overrides) {
    const current = properties[property];
    if (current === undefined) throw new Error(`Component schema ${name} has no property ${property}; drop the override`);
    properties[property] = { anyOf: [current, { type: "null" }] };
  }
  return { ...schema, properties };
}

/** Every component schema reachable from `roots`, converted, sorted by name. */
function reachableSchemas(spec: JsonObject, roots: Json): JsonObject {
  const schemas = isObject(spec.components) && isObject(spec.components.schemas) ? spec.components.schemas : {};
  const kept = new Map<string, Json>();
  const pending = [...schemaRefs(roots)];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (kept.has(name)) continue;
    const schema = schemas[name];
    if (schema === undefined) throw new Error(`No component schema ${name}`);
    const converted = toJsonSchema(withKnownNullables(name, schema));
    kept.set(name, converted);
    pending.push(...[...schemaRefs(converted)].filter((next) => !kept.has(next)));
  }
  return Object.fromEntries([...kept.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The text of openapi-subset.json as `@octokit/openapi`'s installed version gives it. */
export function buildOpenApiSubset(): string {
  const require = createRequire(import.meta.url);
  const specPath = require.resolve("@octokit/openapi/generated/api.github.com.json");
  const packageJson = JSON.parse(readFileSync(join(dirname(specPath), "..", "package.json"), "utf8")) as { version?: string };
  const spec = JSON.parse(readFileSync(specPath, "utf8")) as JsonObject;
  const specPaths = spec.paths;
  if (!isObject(specPaths)) throw new Error("The OpenAPI description has no paths");

  const paths: JsonObject = {};
  for (const entry of SIMULATED_OPERATIONS) {
    const [method = "", route = ""] = entry.split(" ");
    const pathItem = specPaths[route];
    const lower = method.toLowerCase();
    const operation = isObject(pathItem) ? pathItem[lower] : undefined;
    if (!isObject(pathItem) || !isObject(operation)) throw new Error(`${entry} is not in GitHub's OpenAPI description`);
    const target = isObject(paths[route]) ? paths[route] : {};
    target[lower] = extractOperation(spec, operation, pathItem);
    paths[route] = target;
  }

  const subset = {
    openapi: spec.openapi ?? "3.0.3",
    info: {
      title: "GitHub REST API subset served by the audit-digest GitHub simulator",
      source: `@octokit/openapi@${packageJson.version ?? "unknown"} generated/api.github.com.json`,
      regenerate: REGENERATE_COMMAND,
    },
    paths,
    components: { schemas: reachableSchemas(spec, paths) },
  };
  return `${JSON.stringify(subset, null, 1)}\n`;
}
