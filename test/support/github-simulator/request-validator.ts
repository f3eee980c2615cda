import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import ajvFormats from "ajv-formats";
import type { SubsetOperation } from "./load-openapi-subset.js";

// ajv-formats is CommonJS: under ESM its plugin is the `default` property of the module.
const addFormats = ajvFormats.default;

export interface SchemaProblem {
  where: "path" | "query" | "body";
  /** GitHub-style detail, e.g. `For 'properties/labels', "bug" is not an array.` */
  message: string;
  errors: ErrorObject[];
}

export interface ValidatedRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

export type RequestValidator = (
  operation: SubsetOperation,
  input: { params: Record<string, string>; query: URLSearchParams; body: unknown; hasBody: boolean },
) => { ok: true; value: ValidatedRequest } | { ok: false; problem: SchemaProblem };

const ARTICLES: Record<string, string> = {
  array: "an array",
  object: "an object",
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
  null: "null",
};

function describeValue(value: unknown): string {
  if (value === undefined) return "nil";
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(root: unknown, instancePath: string): unknown {
  let node = root;
  for (const raw of instancePath.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

function fieldName(instancePath: string, where: SchemaProblem["where"]): string {
  const parts = instancePath.split("/").slice(1);
  if (where !== "body") return parts.join("/") || where;
  if (parts.length === 0) return "body";
  return parts.map((part) => (/^\d+$/.test(part) ? "items" : `properties/${part}`)).join("/");
}

/** Turns ajv's errors into the sentence GitHub puts after "Invalid request.". */
function describeErrors(errors: ErrorObject[], root: unknown, where: SchemaProblem["where"]): string {
  const deepest = errors.reduce((depth, error) => Math.max(depth, error.instancePath.length), 0);
  const atDeepest = errors.filter((error) => error.instancePath.length === deepest && error.keyword !== "oneOf" && error.keyword !== "anyOf");
  const first = atDeepest[0] ?? errors[0];
  if (!first) return "The request is invalid.";
  const field = fieldName(first.instancePath, where);
  const value = describeValue(valueAt(root, first.instancePath));
  const params = first.params as Record<string, unknown>;
  switch (first.keyword) {
    case "required": {
      const missing = `"${String(params.missingProperty)}" wasn't supplied.`;
      return first.instancePath === "" ? missing : `For '${field}', ${missing}`;
    }
    case "additionalProperties":
      return `"${String(params.additionalProperty)}" is not a permitted key.`;
    case "type": {
      const types = atDeepest.filter((error) => error.keyword === "type").map((error) => String((error.params as { type: unknown }).type));
      const wanted = [...new Set(types.flatMap((type) => type.split(",")))].map((type) => ARTICLES[type] ?? type);
      return `For '${field}', ${value} is not ${wanted.join(" or ")}.`;
    }
    case "enum":
      return `For '${field}', ${value} is not one of ${JSON.stringify(params.allowedValues)}.`;
    case "maxItems":
      return `For '${field}', an array of ${(valueAt(root, first.instancePath) as unknown[]).length} items is more than the maximum of ${String(params.limit)}.`;
    case "maxLength":
      return `For '${field}', a string of ${String((valueAt(root, first.instancePath) as string).length)} characters is longer than the maximum of ${String(params.limit)} characters.`;
    default:
      return `For '${field}', ${value} ${first.message ?? "is invalid"}.`;
  }
}

function objectSchema(operation: SubsetOperation, where: "path" | "query"): Record<string, unknown> {
  const parameters = operation.parameters.filter((parameter) => parameter.in === where);
  return {
    type: "object",
    properties: Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.schema])),
    required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  };
}

/** Validates path parameters, query and JSON body of a request against the operation's OpenAPI schemas. */
export function createRequestValidator(): RequestValidator {
  const bodyAjv = new Ajv({ strict: false, allErrors: true });
  const parameterAjv = new Ajv({ strict: false, allErrors: true, coerceTypes: true, useDefaults: true });
  addFormats(bodyAjv);
  addFormats(parameterAjv);
  const compiled = new Map<string, { path: ValidateFunction; query: ValidateFunction; body: ValidateFunction | undefined }>();

  const validatorsFor = (operation: SubsetOperation) => {
    const key = `${operation.method} ${operation.route}`;
    let found = compiled.get(key);
    if (!found) {
      found = {
        path: parameterAjv.compile(objectSchema(operation, "path")),
        query: parameterAjv.compile(objectSchema(operation, "query")),
        body: operation.requestBody ? bodyAjv.compile(operation.requestBody.schema) : undefined,
      };
      compiled.set(key, found);
    }
    return found;
  };

  return (operation, input) => {
    const validators = validatorsFor(operation);
    const params: Record<string, unknown> = { ...input.params };
    if (!validators.path(params)) {
      const errors = validators.path.errors ?? [];
      return { ok: false, problem: { where: "path", message: describeErrors(errors, params, "path"), errors } };
    }
    const query: Record<string, unknown> = {};
    for (const [name, value] of input.query) query[name] = value;
    if (!validators.query(query)) {
      const errors = validators.query.errors ?? [];
      return { ok: false, problem: { where: "query", message: describeErrors(errors, query, "query"), errors } };
    }
    const body = input.body;
    if (validators.body && (input.hasBody || operation.requestBody?.required === true)) {
      if (!validators.body(body)) {
        const errors = validators.body.errors ?? [];
        return { ok: false, problem: { where: "body", message: describeErrors(errors, body, "body"), errors } };
      }
    }
    return { ok: true, value: { params, query, body } };
  };
}
