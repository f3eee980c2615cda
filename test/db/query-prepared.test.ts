import { randomInt } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { PgliteDatabase } from "../../src/db/create-pglite-database.js";
import { queryPrepared } from "../../src/db/query-prepared.js";
import { createTestDatabase } from "../support/test-database.js";

const ECHO = {
  name: "echo_text_and_json",
  text: "SELECT $1::text AS text, length($1::text) AS length, ($2::jsonb)->'value' AS value",
};

/** Text of quotes, backslashes, dollars, escapes that look like SQL, non-ASCII and astral characters. */
function awkwardText(): string {
  const pieces = ["'", "''", "\\", "\\'", "$$", "$1", "E'", "--", "/*", ";", "\n", "\t", "é", "☃", "😀", "\u2028", "DROP TABLE x;", "\\x41", "\\u0041", "a", " "];
  return Array.from({ length: randomInt(0, 40) }, () => pieces[randomInt(pieces.length)]).join("");
}

describe("queryPrepared on PGlite", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  });

  async function open(): Promise<PgliteDatabase> {
    const db = await createTestDatabase();
    cleanups.push(() => db.close());
    return db;
  }

  it("answers what the plain query answers, for thousands of awkward text parameters", async () => {
    const db = await open();
    for (let i = 0; i < 2_000; i++) {
      const text = awkwardText();
      const json = JSON.stringify({ value: awkwardText() });
      const params = [text, json];
      const prepared = await queryPrepared(db, { ...ECHO, params });
      expect(prepared.rows).toEqual((await db.query(ECHO.text, params)).rows);
      expect(prepared.rows).toEqual([{ text, length: [...text].length, value: JSON.parse(json).value }]);
    }
  });

  it("prepares a statement once even when its first calls come together", async () => {
    const db = await open();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => queryPrepared(db, { ...ECHO, params: [`t${i}`, '{"value":1}'] })));
    expect(answers.map(({ rows }) => rows[0]?.text)).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`));
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = $1", [ECHO.name]);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it("fails as the plain query fails, and refuses a NUL or a name that is no identifier", async () => {
    const db = await open();
    const bad = { ...ECHO, params: ["x", '{"value": "\\u0000"}'] };
    const plain = await db.query(bad.text, bad.params).then(
      () => "answered",
      (error: Error) => error.message,
    );
    await expect(queryPrepared(db, bad)).rejects.toThrow(plain);
    await expect(queryPrepared(db, { ...ECHO, params: ["a\u0000b", "{}"] })).rejects.toThrow("NUL character");
    await expect(queryPrepared(db, { ...ECHO, name: "x; DROP TABLE y", params: ["a", "{}"] })).rejects.toThrow("not a lower-case SQL identifier");
  });

  it("falls back to a plain query on a connection that keeps no prepared statements", async () => {
    const db = await open();
    const rows = await db.transaction((tx) => queryPrepared(tx, { ...ECHO, params: ["in a transaction", '{"value":2}'] }));
    expect(rows.rows).toEqual([{ text: "in a transaction", length: 16, value: 2 }]);
  });
});
