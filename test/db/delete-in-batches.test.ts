import { afterEach, describe, expect, it } from "vitest";
import type { Queryable } from "../../src/db/database.js";
import { deleteInBatches } from "../../src/db/delete-in-batches.js";
import { databaseBackends } from "../support/database-backends.js";

describe.each(databaseBackends)("deleteInBatches on $name", (backend) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  async function tableOf(count: number) {
    const opened = await backend.open();
    cleanup = opened.cleanup;
    await opened.db.query("CREATE TABLE prune_test (id int PRIMARY KEY, old boolean NOT NULL)");
    await opened.db.query("INSERT INTO prune_test SELECT i, i % 2 = 0 FROM generate_series(1, $1) AS i", [count]);
    const left = async () => (await opened.db.query<{ id: number }>("SELECT id FROM prune_test ORDER BY id")).rows.map((row) => row.id);
    return { db: opened.db, left };
  }

  it("deletes every row the condition selects, a batch per statement, and keeps the rest", async () => {
    const { db, left } = await tableOf(25);
    expect(await deleteInBatches({ db, table: "prune_test", where: "t.old = $1", params: [true], batchSize: 5 })).toBe(12);
    expect(await left()).toEqual(Array.from({ length: 13 }, (_, i) => 2 * i + 1));
  });

  it("sends no further statement once its signal aborts: the call rejects with the reason, and the rows of later batches stay", async () => {
    const { db, left } = await tableOf(20);
    const stop = new AbortController();
    const reason = new Error("the run was stopped at its time limit");
    // The stop comes while the second batch's statement runs.
    let statements = 0;
    const stopsDuringSecond: Queryable = {
      query: async (text, params) => {
        const result = await db.query(text, params);
        if (++statements === 2) stop.abort(reason);
        return result;
      },
    } as Queryable;
    await expect(deleteInBatches({ db: stopsDuringSecond, table: "prune_test", where: "true", params: [], batchSize: 4, signal: stop.signal })).rejects.toBe(reason);
    expect(statements).toBe(2);
    expect(await left()).toHaveLength(12);
  });
});
