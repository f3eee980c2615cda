/** GitHub's limits on a check run's output, and what the app keeps below them. */
export const CHECK_RUN_LIMITS = {
  /** `output.summary` and `output.text` are each at most 65,535 characters; keep a margin. */
  textBudget: 60_000,
  /** Annotations accepted in one create or update request. */
  annotationsPerRequest: 50,
  /** Annotations put on one check run in all (more only say how many were left out). */
  annotationsTotal: 500,
  /** Errors listed one by one before the rest are counted. */
  errorsListed: 200,
} as const;
