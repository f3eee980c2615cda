/** The check run's name, as it shows on commits and pull requests. */
export const INGEST_GATE_CHECK_NAME = "Audit ingest gate";

/** The check run's requested action that ingests the artifact again. */
export const RERUN_INGEST_ACTION = {
  label: "Re-run ingest",
  description: "Fetch and check the artifact again",
  identifier: "rerun-ingest",
} as const;
