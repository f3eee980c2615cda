import { z } from "zod";
import { consumerArtifactSchema } from "../src/artifact/consumer-artifact-schema.js";
import { repoConfigSchema } from "../src/config/repo-config-schema.js";

function render(schema: z.ZodType, title: string): string {
  const generated = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" });
  const { $schema, ...rest } = generated;
  return `${JSON.stringify({ $schema, title, ...rest }, null, 2)}\n`;
}

/** The published JSON Schema files (path relative to the repository root → contents). */
export function renderJsonSchemas(): Record<string, string> {
  return {
    "schema/consumer-artifact.v1.json": render(consumerArtifactSchema, "audit-digest consumer artifact, schema version 1"),
    "schema/audit-digest-config.json": render(repoConfigSchema, "audit-digest configuration"),
  };
}
