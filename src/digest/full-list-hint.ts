/**
 * Where the full list of findings is, for a digest whose body cannot hold them all: the gate
 * check run of the commit the artifact was ingested for. The app and `audit-digest render`
 * (from the artifact's `source.sha`) both say it, so the body they cut is the same.
 */
export function fullListHint(headSha: string): string {
  return `the "Audit ingest gate" check run of commit ${headSha.slice(0, 12)}, or run \`audit-digest render\` on the artifact`;
}
