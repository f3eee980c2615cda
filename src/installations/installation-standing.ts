import type { Queryable } from "../db/database.js";

/**
 * Where an installation stands, as its webhooks told the app: `active`, `suspended` (an owner
 * paused the app: no work until it is unsuspended) or `deleted` (the app was uninstalled).
 * An installation the app has no row for yet counts as active.
 */
export type InstallationStanding = "active" | "suspended" | "deleted";

export async function loadInstallationStanding(conn: Queryable, installationId: number): Promise<InstallationStanding> {
  const { rows } = await conn.query<{ suspended: boolean; deleted: boolean }>(
    "SELECT suspended, deleted FROM installations WHERE installation_id = $1",
    [installationId],
  );
  const row = rows[0];
  if (!row) return "active";
  if (row.deleted) return "deleted";
  return row.suspended ? "suspended" : "active";
}
