import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ARTIFACT_FILE_NAME } from "../../src/artifact/extract-artifact-json.js";
import { parseRepoConfig } from "../../src/config/load-repo-config.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

interface Step {
  id?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface ActionDefinition {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parseYaml(readFileSync(path.join(repoRoot, "action.yml"), "utf8")) as ActionDefinition;
const step = (id: string): Step => {
  const found = action.runs.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`action.yml has no step ${id}`);
  return found;
};
const defaults = parseRepoConfig({ source: "(defaults)", value: undefined });

describe("action.yml", () => {
  it("runs the committed entry point, which exists at the ref users pin", () => {
    expect(action.runs.using).toBe("composite");
    expect(step("validate").run).toBe('node "$GITHUB_ACTION_PATH/action/index.mjs"');
    expect(existsSync(path.join(repoRoot, "action/index.mjs"))).toBe(true);
  });

  it("passes each of its inputs to the entry point under the INPUT_ name the entry reads", () => {
    const env = step("validate").env ?? {};
    expect(Object.keys(env).sort()).toEqual(["INPUT_KEY_ID", "INPUT_PATH", "INPUT_REQUIRE_SIGNATURE", "INPUT_SIGNING_KEY"]);
    for (const [name, value] of Object.entries(env)) {
      const input = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(value)?.[1];
      expect(input, name).toBeDefined();
      expect(name).toBe(`INPUT_${input!.toUpperCase().replaceAll("-", "_")}`);
      expect(action.inputs[input!], name).toBeDefined();
    }
  });

  it("uploads the readied file under the configured name, by default the one the app looks for", () => {
    const upload = step("upload");
    expect(upload.uses).toMatch(/^actions\/upload-artifact@v\d+$/);
    expect(upload.with).toMatchObject({ name: "${{ inputs.name }}", path: "${{ steps.validate.outputs.path }}", "if-no-files-found": "error" });
    expect(defaults.ok && action.inputs.name?.default).toBe(defaults.ok ? defaults.config.artifact.name : "");
    expect(action.inputs.path?.default).toBe(ARTIFACT_FILE_NAME);
  });

  it("uses every input it declares, and each output names a step that exists", () => {
    const text = JSON.stringify(action.runs.steps);
    for (const input of Object.keys(action.inputs)) expect(text, input).toContain(`\${{ inputs.${input} }}`);
    for (const [name, output] of Object.entries(action.outputs)) {
      const stepId = /^\$\{\{ steps\.([a-z-]+)\.outputs\.[a-z-]+ \}\}$/.exec(output.value)?.[1];
      expect(stepId, name).toBeDefined();
      step(stepId!);
    }
  });
});
