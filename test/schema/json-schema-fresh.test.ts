import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { renderJsonSchemas } from "../../scripts/render-json-schemas.js";
import { makeArtifact, makeHit } from "../artifact/make-artifact.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const rendered = renderJsonSchemas();

describe("published JSON Schemas", () => {
  it.each(Object.keys(rendered))("%s is up to date (run `npm run schema` to regenerate)", (relative) => {
    const committed = readFileSync(path.join(repoRoot, relative), "utf8");
    expect(committed).toBe(rendered[relative]);
  });

  it("accept a valid artifact and reject a broken one", () => {
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(rendered["schema/consumer-artifact.v1.json"]!) as object);
    expect(validate(makeArtifact())).toBe(true);
    expect(validate(makeArtifact({ schema_version: 2 }))).toBe(false);
    expect(validate(makeArtifact({ org_unregistered_hits: [makeHit({ path: "src/../../etc/passwd" })] }))).toBe(false);
    const config = ajv.compile(JSON.parse(rendered["schema/audit-digest-config.json"]!) as object);
    expect(config({ artifact: { require_signature: "always" }, limits: { max_hits: 10 } })).toBe(true);
    expect(config({ artifact: { unknown: 1 } })).toBe(false);
  });

  it("documents every field", () => {
    const schema = JSON.parse(rendered["schema/consumer-artifact.v1.json"]!) as {
      properties: Record<string, { description?: string; items?: { properties: Record<string, { description?: string }> } }>;
    };
    for (const [name, field] of Object.entries(schema.properties)) expect(field.description, name).toBeTruthy();
    for (const [name, field] of Object.entries(schema.properties.org_unregistered_hits!.items!.properties)) {
      expect(field.description, name).toBeTruthy();
    }
  });
});
