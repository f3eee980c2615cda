import { RequestError } from "@octokit/request-error";
import type { Database } from "../db/database.js";
import type { InstallationOctokit } from "../github/installation-octokit.js";

const LABEL_LOOK: Record<string, { color: string; description: string }> = {
  "audit-digest": { color: "5319e7", description: "Findings kept current by audit-digest" },
};

/** GitHub refused to create a label for a reason other than its existing already. */
export class LabelRejectedError extends Error {
  constructor(
    readonly label: string,
    readonly repository: string,
    githubMessage: string,
  ) {
    super(`GitHub refused to create the label "${label}" in ${repository} (${githubMessage}); check digest.labels in the configuration`);
    this.name = "LabelRejectedError";
  }
}

/**
 * Makes sure each label exists in the repository before the first issue there uses it: created
 * once (an existing one answers 422 `already_exists` and is kept as it is), then remembered so
 * later issues cost no request. Any other 422 (an invalid name or colour) is a
 * `LabelRejectedError`, never taken for "exists".
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
      if (!(error instanceof RequestError) || error.status !== 422) throw error;
      if (!isAlreadyExists(error)) throw new LabelRejectedError(name, `${owner}/${repo}`, describeValidation(error));
    }
    await db.query(
      "INSERT INTO repository_labels (installation_id, repository, label) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [installationId, repository, name],
    );
  }
}

interface ValidationDetail {
  code?: unknown;
  field?: unknown;
}

function validationErrors(error: RequestError): ValidationDetail[] {
  const data = error.response?.data as { errors?: unknown } | undefined;
  return Array.isArray(data?.errors) ? (data.errors as ValidationDetail[]) : [];
}

function isAlreadyExists(error: RequestError): boolean {
  const details = validationErrors(error);
  return details.length > 0 && details.every((detail) => detail.code === "already_exists");
}

function describeValidation(error: RequestError): string {
  const details = validationErrors(error)
    .map((detail) => `${typeof detail.field === "string" ? detail.field : "?"}: ${typeof detail.code === "string" ? detail.code : "invalid"}`)
    .join(", ");
  return details ? `422 Validation Failed: ${details}` : `422 ${error.message}`;
}
