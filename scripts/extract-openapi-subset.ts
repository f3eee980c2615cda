/**
 * Extracts the operations the GitHub simulator serves from GitHub's official OpenAPI
 * description into a small, self-contained file that loads quickly in every test run.
 *
 * - reads only `@octokit/openapi/generated/api.github.com.json` (never the package root);
 * - inlines every `$ref` used by parameters and request bodies;
 * - rewrites OpenAPI 3.0 `nullable` into JSON Schema that ajv understands;
 * - drops documentation-only keywords and response schemas (the simulator answers leanly).
 *
 * Regenerate with: npx tsx scripts/extract-openapi-subset.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Every operation the simulator serves, as `METHOD /template`. */
const SIMULATED_OPERATIONS = [
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

/** Formats ajv-formats validates; other (GitHub-specific) formats are dropped. */
const KEPT_FORMATS = new Set(["date-time", "date", "uri", "email"]);
/** Keywords that document a schema but do not constrain it. */
const DROPPED_KEYWORDS = new Set(["description", "example", "examples", "title", "deprecated", "readOnly", "externalDocs"]);

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

/** Turns an OpenAPI 3.0 schema into plain JSON Schema (draft 7 subset) ajv accepts. */
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
  return out;
}

function main(): void {
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
      regenerate: "npx tsx scripts/extract-openapi-subset.ts",
    },
    paths,
  };
  const outPath = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "support", "github-simulator", "openapi-subset.json");
  writeFileSync(outPath, `${JSON.stringify(subset, null, 1)}\n`);
  console.log(`Wrote ${SIMULATED_OPERATIONS.length} operations to ${outPath}`);
}

main();
