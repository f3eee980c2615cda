import type { SimulatorState } from "./simulator-state.js";

/**
 * GitHub also serves every `/repos/{owner}/{repo}/…` path at `/repositories/{repository_id}/…`
 * (its redirects point there); the simulator answers such a path as the `/repos/…` one.
 * Unknown ids are left as they are (and find no operation).
 */
export function resolveRepositoryAlias(state: SimulatorState, pathname: string): string {
  const match = /^\/repositories\/(\d+)(\/.*)?$/.exec(pathname);
  if (!match) return pathname;
  const id = Number(match[1]);
  const repo = [...state.repositories.values()].find((candidate) => candidate.id === id);
  return repo ? `/repos/${repo.fullName}${match[2] ?? ""}` : pathname;
}
