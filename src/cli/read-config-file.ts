import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { RepoConfig } from "../config/repo-config-schema.js";
import { parseRepoConfig } from "../config/load-repo-config.js";
import { describeFsError } from "./describe-fs-error.js";

export type ReadConfigFileResult = { ok: true; config: RepoConfig } | { ok: false; message: string };

/** Reads and validates an `audit-digest.yml`; without a file, the defaults. */
export async function readConfigFile(file: string | undefined, cwd: string): Promise<ReadConfigFileResult> {
  if (file === undefined) {
    const defaults = parseRepoConfig({ source: "(defaults)", value: undefined });
    return defaults.ok ? defaults : { ok: false, message: defaults.error.message };
  }
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), "utf8");
  } catch (error) {
    return { ok: false, message: `cannot read config ${file}: ${describeFsError(error)}` };
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    return { ok: false, message: `config ${file} is not valid YAML: ${error instanceof Error ? error.message : "unreadable"}` };
  }
  const parsed = parseRepoConfig({ source: file, value });
  return parsed.ok ? parsed : { ok: false, message: parsed.error.message };
}
