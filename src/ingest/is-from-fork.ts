/**
 * A run whose head repository is not the base repository ran a fork's code. A head repository
 * that is unknown (absent, or null once a fork is deleted) counts as a fork: its artifact is
 * treated as attacker-controlled (fail closed).
 */
export function isFromFork(run: { head_repository?: { full_name?: string } | null; repository: { full_name: string } }): boolean {
  const head = run.head_repository?.full_name;
  return head === undefined || head.toLowerCase() !== run.repository.full_name.toLowerCase();
}
