import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderConfigurationDoc, SECRET_VARIABLES } from "../../scripts/render-configuration-doc.js";
import { envSchema } from "../../src/config/env-schema.js";
import { repoConfigSchema } from "../../src/config/repo-config-schema.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const rendered = renderConfigurationDoc();

/** Table rows of the document by their first cell: name → [type, default, example, meaning]. */
function rows(markdown: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const line of markdown.split("\n")) {
    const match = /^\| `([^`]+)` \| (.*) \|$/.exec(line);
    if (match) result.set(match[1]!, match[2]!.split(/(?<!\\)\| /).map((cell) => cell.trim()));
  }
  return result;
}

describe("docs/configuration.md", () => {
  it("is up to date (run `npm run schema` to regenerate)", () => {
    expect(readFileSync(path.join(repoRoot, "docs/configuration.md"), "utf8")).toBe(rendered);
  });

  it("lists every environment variable with a meaning, and no example for a secret", () => {
    const table = rows(rendered);
    for (const name of Object.keys(envSchema.shape)) {
      const row = table.get(name);
      expect(row, name).toBeDefined();
      expect(row![3], `${name} meaning`).not.toBe("");
      if (SECRET_VARIABLES.includes(name)) expect(row![2], `${name} example`).toBe("—");
    }
    expect(table.get("PORT")!.slice(0, 2)).toEqual(["whole number 1–65535", "`3000`"]);
  });

  it("lists every key of .github/audit-digest.yml with a meaning", () => {
    const table = rows(rendered);
    for (const section of Object.keys(repoConfigSchema.shape)) expect(table.get(section)?.[3], section).toBeTruthy();
    const keys = [...table.keys()];
    for (const key of ["artifact.require_signature", "limits.max_hits", "digest.producers", "fallback.ttl_days", "suppressions[].until"]) {
      expect(keys, key).toContain(key);
      expect(table.get(key)![3], key).not.toBe("");
    }
    expect(table.get("issues.max_new_per_run")!.slice(0, 2)).toEqual(["whole number 0–1000", "`20`"]);
  });
});
