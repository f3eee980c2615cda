import type { Hit, Severity } from "./consumer-artifact-schema.js";
import { SEVERITIES } from "./consumer-artifact-schema.js";

export type SeverityCounts = Record<Severity, number>;

export interface RepositoryCounts {
  readonly repository: string;
  readonly total: number;
  readonly bySeverity: SeverityCounts;
}

export interface HitSummary {
  readonly total: number;
  readonly bySeverity: SeverityCounts;
  /** Sorted by repository name. */
  readonly byRepository: RepositoryCounts[];
}

const emptyCounts = (): SeverityCounts => ({ low: 0, medium: 0, high: 0, critical: 0 });

/** Counts hits by severity and by repository (severity defaults to medium). */
export function summarizeHits(hits: readonly Pick<Hit, "repo" | "severity">[]): HitSummary {
  const bySeverity = emptyCounts();
  const repos = new Map<string, { total: number; bySeverity: SeverityCounts }>();
  for (const hit of hits) {
    const severity: Severity = SEVERITIES.includes(hit.severity) ? hit.severity : "medium";
    bySeverity[severity]++;
    let entry = repos.get(hit.repo);
    if (entry === undefined) {
      entry = { total: 0, bySeverity: emptyCounts() };
      repos.set(hit.repo, entry);
    }
    entry.total++;
    entry.bySeverity[severity]++;
  }
  const byRepository = [...repos.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([repository, counts]) => ({ repository, ...counts }));
  return { total: hits.length, bySeverity, byRepository };
}
