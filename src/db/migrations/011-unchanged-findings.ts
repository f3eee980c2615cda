import type { Migration } from "./migration.js";

/**
 * What lets a new scan with the same findings leave the digest as it is:
 * - `digests.findings_since`: `generated_at` of the first scan that produced the findings the
 *   digest shows now, as the artifact wrote it (the body shows it so); the body says since when
 *   they are unchanged, instead of the latest scan's time (which the check run and `/audit
 *   status` carry). NULL for digests last updated before this migration: their next update
 *   starts the count;
 * - `digest_findings.shown_as`: how the update that started that set showed the finding (`new`,
 *   `resolved`, or NULL for neither), so a later scan of the same findings renders the same body.
 */
export const unchangedFindings: Migration = {
  id: "011-unchanged-findings",
  statements: [
    `ALTER TABLE digests ADD COLUMN findings_since text`,
    `ALTER TABLE digest_findings ADD COLUMN shown_as text CHECK (shown_as IN ('new', 'resolved'))`,
  ],
};
