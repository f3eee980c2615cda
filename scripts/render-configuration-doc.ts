import { z } from "zod";
import { envSchema } from "../src/config/env-schema.js";
import { repoConfigSchema } from "../src/config/repo-config-schema.js";

/** Environment variables whose values are secrets: the document never shows an example of them. */
export const SECRET_VARIABLES: readonly string[] = ["PRIVATE_KEY", "WEBHOOK_SECRET", "AUDIT_HMAC_KEYS"];

interface JsonSchema {
  type?: string;
  description?: string;
  examples?: unknown[];
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
}

interface Row {
  name: string;
  type: string;
  defaultValue: unknown;
  example: unknown;
  meaning: string;
}

function code(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `\`${text}\``;
}

/** Escapes what would end a table cell or start a tag. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\n", " ");
}

function range(schema: JsonSchema): string {
  if (schema.minimum !== undefined && schema.maximum !== undefined) return ` ${schema.minimum}–${schema.maximum}`;
  if (schema.minimum !== undefined) return ` ≥ ${schema.minimum}`;
  if (schema.maximum !== undefined) return ` ≤ ${schema.maximum}`;
  return "";
}

function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" or ");
  if (schema.enum) return schema.enum.map(code).join(" | ");
  if (schema.type === "array") {
    const most = schema.maxItems === undefined ? "" : `at most ${schema.maxItems} × `;
    return `list of ${most}${schema.items ? typeOf(schema.items) : "value"}`;
  }
  if (schema.type === "integer") return `whole number${range(schema)}`;
  if (schema.type === "number") return `number${range(schema)}`;
  if (schema.type === "string") {
    if (schema.format === "uri") return "URL";
    if (schema.format === "date") return "date";
    if (schema.format === "date-time") return "date-time";
    return schema.maxLength === undefined ? "string" : `string (at most ${schema.maxLength} characters)`;
  }
  return schema.type ?? "value";
}

/** Value at a dotted path of the schema's output for an empty input, i.e. the default applied. */
function defaultAt(defaults: unknown, path: readonly string[]): unknown {
  let value = defaults;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" }) as JsonSchema;
}

function envRows(): Row[] {
  const schema = jsonSchemaOf(envSchema);
  const defaults = envSchema.parse({});
  return Object.entries(schema.properties ?? {}).map(([name, field]) => ({
    name,
    type: typeOf(field) + (SECRET_VARIABLES.includes(name) ? " (secret)" : ""),
    defaultValue: defaultAt(defaults, [name]),
    example: SECRET_VARIABLES.includes(name) ? undefined : field.examples?.[0],
    meaning: field.description ?? "",
  }));
}

function repoConfigRows(): Row[] {
  const defaults = repoConfigSchema.parse({});
  const rows: Row[] = [];
  const walk = (schema: JsonSchema, path: string[], label: string, defaultsKnown: boolean): void => {
    for (const [key, field] of Object.entries(schema.properties ?? {})) {
      const name = label === "" ? key : `${label}.${key}`;
      const required = schema.required?.includes(key) && !defaultsKnown;
      rows.push({
        name,
        type: field.properties ? "mapping" : typeOf(field) + (required ? " (required)" : ""),
        defaultValue: defaultsKnown && !field.properties ? defaultAt(defaults, [...path, key]) : undefined,
        example: field.examples?.[0],
        meaning: field.description ?? "",
      });
      if (field.properties) walk(field, [...path, key], name, defaultsKnown);
      if (field.items?.properties) {
        rows.push({ name: `${name}[]`, type: "mapping", defaultValue: undefined, example: undefined, meaning: field.items.description ?? "" });
        walk(field.items, [], `${name}[]`, false);
      }
    }
  };
  walk(jsonSchemaOf(repoConfigSchema), [], "", true);
  return rows;
}

function table(heading: string, rows: readonly Row[]): string {
  const lines = [
    `| ${heading} | type | default | example | meaning |`,
    "|---|---|---|---|---|",
    ...rows.map((row) => {
      const defaultValue = row.defaultValue === undefined ? "—" : code(row.defaultValue);
      const example = row.example === undefined ? "—" : code(row.example);
      return `| \`${row.name}\` | ${cell(row.type)} | ${cell(defaultValue)} | ${cell(example)} | ${cell(row.meaning)} |`;
    }),
  ];
  return lines.join("\n");
}

/** docs/configuration.md: every environment variable and every `.github/audit-digest.yml` key. */
export function renderConfigurationDoc(): string {
  return `<!-- Generated from src/config/env-schema.ts and src/config/repo-config-schema.ts by \`npm run schema\`; do not edit by hand. -->

# Configuration reference

## Environment variables

Parsed once by [\`src/config/env-schema.ts\`](../src/config/env-schema.ts); [\`.env.example\`](../.env.example)
lists the same variables. Secrets are marked and never shown with an example.

${table("variable", envRows())}

## \`.github/audit-digest.yml\`

Read from the repository's default branch, or from the organisation's \`.github\` repository when the
repository has none; validated against [\`schema/audit-digest-config.json\`](../schema/audit-digest-config.json).
Every key is optional unless marked required.

${table("key", repoConfigRows())}
`;
}
