import type { EnqueueOutcome, WebhookDelivery } from "./enqueue-webhook-job.js";
import type { IntakeActivity } from "./intake-activity.js";

export interface WebhookJobBatcherOptions {
  /** Records deliveries and enqueues their jobs in one transaction (`enqueueWebhookJobs`). */
  write(deliveries: readonly WebhookDelivery[]): Promise<EnqueueOutcome[]>;
  /** Most deliveries committed by one transaction (default 500). */
  maxBatch?: number;
  /** Longest a delivery waits for deliveries still being read to join its batch (default 20 ms). */
  maxWaitMs?: number;
  /**
   * Marked busy from a request's headers until its answer is sent, and while a delivery waits
   * for its batch or the batch commits, so background work on the same database (PGlite) waits
   * for the burst to be answered.
   */
  activity?: IntakeActivity | undefined;
}

interface Waiting {
  delivery: WebhookDelivery;
  since: number;
  settle(result: { outcome: EnqueueOutcome } | { error: unknown }): void;
}

/**
 * Group commit for webhook intake. A batch is committed as soon as no other delivery is on its
 * way (every request the server has begun to read, see `expect`, has reached `enqueue` or been
 * answered), or when its oldest delivery has waited `maxWaitMs`; deliveries that arrive while a
 * batch commits go in the next one. A lone delivery is committed at the next turn of the event
 * loop. Each caller's promise resolves only once the transaction holding its delivery has
 * committed, so a 2xx still means the delivery and its job are durable.
 *
 * When a batch's transaction fails nothing of it was written: its deliveries are then tried
 * again one transaction each, so a delivery the database refuses fails alone (its caller rejects
 * and GitHub gets a 5xx) while the others are still committed before they are answered. A
 * delivery id seen before stays a duplicate whether its first copy is in the same batch or not.
 */
export class WebhookJobBatcher {
  readonly #write: WebhookJobBatcherOptions["write"];
  readonly #maxBatch: number;
  readonly #maxWaitMs: number;
  readonly #activity: IntakeActivity | undefined;
  #waiting: Waiting[] = [];
  /** Deliveries being read, by id, with how many requests carry each. */
  readonly #expected = new Map<string, number>();
  #running: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor({ write, maxBatch = 500, maxWaitMs = 20, activity }: WebhookJobBatcherOptions) {
    this.#write = write;
    this.#maxBatch = maxBatch;
    this.#maxWaitMs = maxWaitMs;
    this.#activity = activity;
  }

  /**
   * Says a request carrying `deliveryId` is being read, so the next batch waits for it (at most
   * `maxWaitMs`). Call the returned function when its response is done; reaching `enqueue`
   * also counts as arrived.
   */
  expect(deliveryId: string): () => void {
    this.#expected.set(deliveryId, (this.#expected.get(deliveryId) ?? 0) + 1);
    const answered = this.#activity?.begin();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#arrived(deliveryId);
      answered?.();
    };
  }

  /** Resolves once the delivery is committed (or found a duplicate); rejects when it could not be. */
  enqueue(delivery: WebhookDelivery): Promise<EnqueueOutcome> {
    return new Promise((resolve, reject) => {
      const committed = this.#activity?.begin();
      this.#waiting.push({
        delivery,
        since: performance.now(),
        settle: (result) => {
          committed?.();
          if ("outcome" in result) resolve(result.outcome);
          else reject(asError(result.error));
        },
      });
      this.#arrived(delivery.data.deliveryId);
      if (this.#waiting.length >= this.#maxBatch) this.#wake?.();
      this.#running ??= this.#run();
    });
  }

  /** Resolves when every delivery handed in so far has been settled. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #arrived(deliveryId: string): void {
    const count = this.#expected.get(deliveryId);
    if (count === undefined) return;
    if (count > 1) this.#expected.set(deliveryId, count - 1);
    else this.#expected.delete(deliveryId);
    if (this.#expected.size === 0) this.#wake?.();
  }

  async #run(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        await this.#gather();
        await this.#commit(this.#waiting.splice(0, this.#maxBatch));
      }
    } finally {
      this.#running = undefined;
    }
  }

  /** Waits for the turn of the event loop (so requests already received are counted), then for the expected ones. */
  async #gather(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const deadline = this.#waiting[0]!.since + this.#maxWaitMs;
    const left = deadline - performance.now();
    if (this.#expected.size === 0 || this.#waiting.length >= this.#maxBatch || left <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, left);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
    this.#wake = undefined;
  }

  async #commit(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await this.#write(batch.map((waiting) => waiting.delivery));
      batch.forEach((waiting, i) => waiting.settle({ outcome: outcomes[i]! }));
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.settle({ error });
        return;
      }
    }
    for (const waiting of batch) {
      try {
        const [outcome] = await this.#write([waiting.delivery]);
        waiting.settle({ outcome: outcome! });
      } catch (error) {
        waiting.settle({ error });
      }
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
