/**
 * Why the worker stopped a running job: the reason its signal aborts with, and the failure
 * recorded on the job. `time-limit`: it ran past its policy's `expireInSeconds` (it is retried);
 * `lease-lost`: its lease ran out and it was taken back, so the job is another run's.
 */
export class JobStoppedError extends Error {
  override readonly name = "JobStoppedError";
  constructor(
    message: string,
    readonly kind: "time-limit" | "lease-lost",
  ) {
    super(message);
  }
}
