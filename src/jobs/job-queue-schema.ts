/** The schema pg-boss keeps its tables in (its default). */
export const JOB_QUEUE_SCHEMA = "pgboss";
