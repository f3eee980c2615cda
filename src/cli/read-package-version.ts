import { readFile } from "node:fs/promises";

/**
 * The `version` of the package's package.json, two folders above this module both in the
 * sources (`src/cli/`) and in the installed package (`dist/cli/`).
 */
export async function readPackageVersion(): Promise<string> {
  const text = await readFile(new URL("../../package.json", import.meta.url), "utf8");
  const { version } = JSON.parse(text) as { version?: unknown };
  if (typeof version !== "string") throw new Error("package.json has no version");
  return version;
}
