/**
 * The hidden marker at the start of every digest issue body.
 *
 * CONTRACT: the app finds existing digest issues by this marker (when its own record of
 * `audit_id` → issue number is missing it lists issues by label and reads it). Changing the
 * format orphans every digest already filed. Only add a new version (`v2`, …) and keep
 * parsing the old ones.
 *
 * Format, version 1, on one line:
 *
 *     <!-- audit-digest:v1 audit_id=<audit_id> -->
 *
 * `<audit_id>` follows the artifact schema: 1–128 characters, `^[A-Za-z0-9][A-Za-z0-9._:/-]*$`,
 * so it can never contain a space or end the comment.
 */

const AUDIT_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** A future version may add `key=value` attributes; they are tolerated when parsing. */
const MARKER = /<!-- audit-digest:v([0-9]{1,4})((?: [a-z_]{1,32}=[^\s]{1,256}){1,16}) -->/;

export const DIGEST_MARKER_VERSION = 1;

export interface DigestMarker {
  version: number;
  auditId: string;
}

export function formatDigestMarker(auditId: string): string {
  if (!AUDIT_ID.test(auditId)) {
    throw new RangeError(
      `audit_id ${JSON.stringify(auditId.slice(0, 140))} cannot go in a digest marker: expected 1-128 characters matching ^[A-Za-z0-9][A-Za-z0-9._:/-]*$`,
    );
  }
  return `<!-- audit-digest:v${DIGEST_MARKER_VERSION} audit_id=${auditId} -->`;
}

/** Reads the first digest marker in an issue body, or `null` when there is none. */
export function parseDigestMarker(body: string): DigestMarker | null {
  const match = MARKER.exec(body);
  if (match === null) return null;
  const version = Number(match[1]);
  for (const attribute of (match[2] ?? "").trim().split(" ")) {
    const eq = attribute.indexOf("=");
    if (attribute.slice(0, eq) !== "audit_id") continue;
    const auditId = attribute.slice(eq + 1);
    return AUDIT_ID.test(auditId) ? { version, auditId } : null;
  }
  return null;
}
