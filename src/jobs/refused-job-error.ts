/**
 * Thrown for a job that can never succeed as sent (it names no installation): the queue does
 * not retry it but moves it to the dead-letter queue at once, where an operator sees it.
 */
export class RefusedJobError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "RefusedJobError";
  }
}
