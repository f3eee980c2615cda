/**
 * Thrown by a job that must wait (GitHub's rate limit is spent): the job is put back to run
 * at `until`, without spending one of its retries. Nothing is dropped.
 */
export class DeferJobError extends Error {
  constructor(
    readonly until: Date,
    reason: string,
  ) {
    super(`deferred until ${until.toISOString()}: ${reason}`);
    this.name = "DeferJobError";
  }
}
