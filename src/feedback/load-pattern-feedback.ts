import type { Queryable } from "../db/database.js";
import { DISMISS_REASON_TEXT, type DismissReason } from "../digest/digest-suppressions.js";
import { feedbackOutcome, tallyPatternFeedback, type FeedbackCount, type PatternFeedback } from "./pattern-feedback.js";

const STATUSES = new Set(["open", "resolved", "suppressed"]);

function isDismissReason(value: string): value is DismissReason {
  return Object.hasOwn(DISMISS_REASON_TEXT, value);
}

/**
 * The false-positive report of every digest the database holds, one line per pattern, worst
 * first: each finding recorded (`digest_findings`) counts once, under the reason of its
 * dismissal when someone dismissed it (false positive, won't fix, used in tests), otherwise
 * under its status (suppressed by a mute or the configuration, open, resolved). A dismissal
 * whose finding is no longer recorded (pruned long after it was resolved) counts nowhere.
 */
export async function loadPatternFeedback(conn: Queryable): Promise<PatternFeedback[]> {
  const { rows } = await conn.query<{ pattern: string | null; status: string; reason: string | null; count: number }>(
    `SELECT f.hit->>'pattern' AS pattern, f.status, d.reason, count(*)::int AS count
     FROM digest_findings f
     LEFT JOIN digest_dismissals d
       ON d.installation_id = f.installation_id AND d.home = f.home AND d.audit_id = f.audit_id AND d.fingerprint = f.fingerprint
     GROUP BY 1, 2, 3`,
  );
  const counts: FeedbackCount[] = rows.map((row) => {
    if (!STATUSES.has(row.status)) throw new Error(`digest_findings.status holds ${JSON.stringify(row.status)}: expected open, resolved or suppressed`);
    if (row.reason !== null && !isDismissReason(row.reason)) {
      throw new Error(`digest_dismissals.reason holds ${JSON.stringify(row.reason)}: expected false_positive, wont_fix or used_in_tests`);
    }
    return {
      pattern: row.pattern ?? "",
      outcome: feedbackOutcome({ status: row.status as "open" | "resolved" | "suppressed", dismissal: row.reason }),
      count: row.count,
    };
  });
  return tallyPatternFeedback(counts);
}
