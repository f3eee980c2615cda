import type { z } from "zod";
import type { ArtifactLimits } from "../artifact/artifact-limits.js";
import { ARTIFACT_LIMIT_NAMES, resolveArtifactLimits } from "../artifact/artifact-limits.js";
import { formatJsonPath } from "../artifact/format-json-path.js";
import type { RepoConfig } from "./repo-config-schema.js";
import { repoConfigSchema } from "./repo-config-schema.js";

export interface RepoConfigProblem {
  /** Field path such as `issues.max_new_per_run` or `suppressions[0].reason`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** A config file that does not match the schema. The message names the file and every field. */
export class RepoConfigError extends Error {
  readonly source: string;
  readonly problems: readonly RepoConfigProblem[];

  constructor(source: string, problems: readonly RepoConfigProblem[], cause?: z.ZodError) {
    const lines = problems.map((p) => `  ${p.path === "" ? "(file)" : p.path}: ${p.message}`);
    super(`invalid audit-digest config in ${source}:\n${lines.join("\n")}`, cause === undefined ? undefined : { cause });
    this.name = "RepoConfigError";
    this.source = source;
    this.problems = problems;
  }
}

export type ParseRepoConfigResult = { ok: true; config: RepoConfig } | { ok: false; error: RepoConfigError };

/** YAML loaders may produce Date objects for unquoted dates; the schema expects ISO strings. */
function datesToStrings(value: unknown, depth = 0): unknown {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "invalid date";
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
  }
  if (depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => datesToStrings(item, depth + 1));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, datesToStrings(v, depth + 1)]));
  }
  return value;
}

/**
 * Validates an already-parsed config value (from `.github/audit-digest.yml`). An empty
 * file (`null`/`undefined`) yields all defaults. `source` names the file in errors,
 * e.g. `acme/.github:.github/audit-digest.yml`.
 */
export function parseRepoConfig({ source, value }: { source: string; value: unknown }): ParseRepoConfigResult {
  const input = value === null || value === undefined ? {} : datesToStrings(value);
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, error: new RepoConfigError(source, [{ path: "", message: "expected a mapping of options at the top level" }]) };
  }
  const parsed = repoConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems = parsed.error.issues.flatMap((issue): RepoConfigProblem[] =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: formatJsonPath([...issue.path, key]), message: "unknown option" }))
      : [{ path: formatJsonPath(issue.path), message: issue.message }],
  );
  return { ok: false, error: new RepoConfigError(source, problems, parsed.error) };
}

/** The artifact limits a config asks for (defaults where unset). */
export function artifactLimitsFromConfig(config: Pick<RepoConfig, "limits">): ArtifactLimits {
  const partial: Partial<Record<keyof ArtifactLimits, number>> = {};
  for (const [key, name] of Object.entries(ARTIFACT_LIMIT_NAMES) as [keyof ArtifactLimits, keyof RepoConfig["limits"]][]) {
    const value = config.limits[name];
    if (value !== undefined) partial[key] = value;
  }
  return resolveArtifactLimits(partial);
}
