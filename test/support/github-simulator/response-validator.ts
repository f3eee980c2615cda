import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import ajvFormats from "ajv-formats";
import type { OpenApiSubset, SubsetOperation } from "./load-openapi-subset.js";
import type { SimResponse } from "./dispatch-request.js";

// ajv-formats is CommonJS: under ESM its plugin is the `default` property of the module.
const addFormats = ajvFormats.default;

const SUBSET_ID = "openapi-subset";
/** What GitHub answers for any error an operation does not list (auth, rate limits, 5xx). */
const BASIC_ERROR = "#/components/schemas/basic-error";

export interface ResponseProblem {
  /** Operation, status and the JSON path of the first breach, e.g. `issues/get answered 200: at $.user.login: must be string`. */
  message: string;
  errors: ErrorObject[];
}

/** Checks an answer of the simulator against the operation's response schemas; undefined when it keeps to them. */
export type ResponseValidator = (operation: SubsetOperation, response: SimResponse) => ResponseProblem | undefined;

function pointerSegment(text: string): string {
  return text.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** `/labels/0/name` → `$.labels[0].name`. */
function jsonPath(instancePath: string): string {
  let path = "$";
  for (const raw of instancePath.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    path += /^\d+$/.test(key) ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return path;
}

function describe(errors: ErrorObject[]): string {
  // The deepest breaches say most; oneOf/anyOf summaries only repeat them.
  const specific = errors.filter((error) => error.keyword !== "oneOf" && error.keyword !== "anyOf" && error.keyword !== "if");
  const deepest = specific.reduce((depth, error) => Math.max(depth, error.instancePath.split("/").length), 0);
  const shown = (specific.length > 0 ? specific.filter((error) => error.instancePath.split("/").length === deepest) : errors).slice(0, 3);
  return shown
    .map((error) => {
      const params = error.params as Record<string, unknown>;
      const detail = error.keyword === "required" ? `must have property "${String(params.missingProperty)}"` : (error.message ?? "is invalid");
      return `at ${jsonPath(error.instancePath)}: ${detail}`;
    })
    .join("; ");
}

function jsonBody(response: SimResponse): { ok: true; value: unknown } | { ok: false } | undefined {
  const type = response.headers["content-type"] ?? "";
  if (!type.startsWith("application/json") || response.body === undefined) return undefined;
  const text = typeof response.body === "string" ? response.body : new TextDecoder().decode(response.body);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Validates the simulator's JSON answers against GitHub's response schemas in the subset: a
 * status the operation declares against its schema, an error it gives no schema for (auth,
 * rate limits, 5xx) against GitHub's basic error, and a success or redirect it does not declare is itself a breach.
 */
export function createResponseValidator(subset: OpenApiSubset): ResponseValidator {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema({ ...subset.document, $id: SUBSET_ID });
  const compiled = new Map<string, ValidateFunction>();

  const validatorFor = (pointer: string): ValidateFunction => {
    let found = compiled.get(pointer);
    if (!found) {
      found = ajv.compile({ $ref: `${SUBSET_ID}${pointer}` });
      compiled.set(pointer, found);
    }
    return found;
  };

  return (operation, response) => {
    const name = `${operation.operationId} (${operation.method} ${operation.route}) answered ${response.status}`;
    const declared = operation.responses[String(response.status)];
    const body = jsonBody(response);
    if (!declared && response.status < 400 && response.status !== 304) {
      return { message: `${name}, a status GitHub's description does not list for it`, errors: [] };
    }
    if (body === undefined) return undefined;
    if (!body.ok) return { message: `${name} with a body that is not JSON`, errors: [] };
    const pointer = declared?.schema
      ? `#/paths/${pointerSegment(operation.route)}/${operation.method.toLowerCase()}/responses/${response.status}/schema`
      : response.status >= 400
        ? BASIC_ERROR
        : undefined;
    if (pointer === undefined) return { message: `${name} with a body, where GitHub's description has none`, errors: [] };
    const validate = validatorFor(pointer);
    if (validate(body.value)) return undefined;
    const errors = validate.errors ?? [];
    return { message: `${name} with a body that breaks GitHub's schema: ${describe(errors)}`, errors };
  };
}
