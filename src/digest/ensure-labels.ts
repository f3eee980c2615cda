import type { Database } from "../db/database.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";

const LABEL_LOOK: Record<string, { color: string; description: string }> = {
  "audit-digest": { color: "5319e7", description: "Findings kept current by audit-digest" },
};

/**
 * Makes sure each label exists in the repository before the first issue there uses it: created
 * once (an existing one answers 422 and is kept as it is), then remembered so later issues cost
 * no request.
 */
export async function ensureLabels({
  db,
  octokit,
  installationId,
  owner,
  repo,
  labels,
}: {
  db: Database;
  octokit: InstallationOctokit;
  installationId: number;
  owner: string;
  repo: string;
  labels: readonly string[];
}): Promise<void> {
  const repository = `${owner}/${repo}`.toLowerCase();
  const { rows } = await db.query<{ label: string }>(
    "SELECT label FROM repository_labels WHERE installation_id = $1 AND repository = $2",
    [installationId, repository],
  );
  const known = new Set(rows.map((r) => r.label));
  for (const name of labels) {
    if (known.has(name)) continue;
    try {
      await octokit.rest.issues.createLabel({ owner, repo, name, ...(LABEL_LOOK[name] ?? { color: "ededed" }) });
    } catch (error) {
      // 422 "already_exists": the label is there (made by a person, or by another worker).
      if ((error as { status?: number }).status !== 422) throw error;
    }
    await db.query(
      "INSERT INTO repository_labels (installation_id, repository, label) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [installationId, repository, name],
    );
  }
}
