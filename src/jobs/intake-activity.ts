import { performance } from "node:perf_hooks";

export interface IntakeActivityOptions {
  /**
   * How long the intake must stay idle before background work goes on (default 30 ms): the
   * deliveries of one burst reach the server a few milliseconds apart, and work started in such
   * a gap would run in the middle of the burst.
   */
  lingerMs?: number;
  /**
   * Longest background work is held back by one busy period (default 2 s). Deliveries arriving
   * without a pause for longer than this no longer hold anything back: jobs then share the
   * process with the intake instead of waiting for a quiet moment that does not come.
   */
  maxHoldMs?: number;
}

/**
 * Whether the webhook intake of this process is busy: requests being read, deliveries waiting
 * for their batch, a batch being committed, answers being sent. On PGlite the database runs in
 * the app's own thread, so every job fetch, job outcome or maintenance statement run during a
 * burst of deliveries delays their answers; that background work asks `quiet()` first, and runs
 * once the burst is answered (jobs are durable, they only start a little later). A lone
 * delivery holds its job back only until its answer is sent.
 */
export class IntakeActivity {
  readonly #lingerMs: number;
  readonly #maxHoldMs: number;
  #busy = 0;
  /** `performance.now()` when the current busy period began; undefined while idle. */
  #since: number | undefined;
  /** The current busy period has held background work back for `maxHoldMs`: nothing waits any more until it ends. */
  #overdue = false;
  #lingerTimer: NodeJS.Timeout | undefined;
  #holdTimer: NodeJS.Timeout | undefined;
  #waiters: Array<() => void> = [];

  constructor({ lingerMs = 30, maxHoldMs = 2_000 }: IntakeActivityOptions = {}) {
    this.#lingerMs = lingerMs;
    this.#maxHoldMs = maxHoldMs;
  }

  /** Whether background work asking now would wait. */
  get holding(): boolean {
    return this.#since !== undefined && !this.#overdue;
  }

  /** Marks one piece of intake work as under way; call the returned function when it is done (once is enough). */
  begin(): () => void {
    this.#busy += 1;
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    this.#since ??= performance.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#busy -= 1;
      if (this.#busy === 0) {
        this.#lingerTimer = setTimeout(() => this.#endPeriod(), this.#lingerMs);
        this.#lingerTimer.unref();
      }
    };
  }

  /**
   * Resolves at once while the intake is idle; otherwise once it has been idle for `lingerMs`,
   * or once the busy period has held background work back for `maxHoldMs`.
   */
  quiet(): Promise<void> {
    if (!this.holding) return Promise.resolve();
    if (!this.#holdTimer) {
      const left = this.#since! + this.#maxHoldMs - performance.now();
      this.#holdTimer = setTimeout(() => {
        this.#overdue = true;
        this.#release();
      }, Math.max(0, left));
      this.#holdTimer.unref();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #endPeriod(): void {
    this.#lingerTimer = undefined;
    this.#since = undefined;
    this.#overdue = false;
    this.#release();
  }

  #release(): void {
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }
}

const activities = new WeakMap<object, IntakeActivity>();

/**
 * The intake activity of the process using `db`: the webhook intake marks itself busy on it,
 * and the job queue's statements on that database wait for it to be quiet (see
 * `pgliteBossExecutor`). One per database object, created on first use.
 */
export function intakeActivityOf(db: object): IntakeActivity {
  let activity = activities.get(db);
  if (!activity) {
    activity = new IntakeActivity();
    activities.set(db, activity);
  }
  return activity;
}
