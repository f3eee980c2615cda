import type { RepoConfig } from "../config/repo-config-schema.js";

/**
 * Whether a run's artifact must be signed. Runs from forks are attacker-controlled, so the
 * default policy (`forks`) requires a signature for them.
 */
export function signatureRequired(policy: RepoConfig["artifact"]["require_signature"], fromFork: boolean): boolean {
  return policy === "always" || (policy === "forks" && fromFork);
}
