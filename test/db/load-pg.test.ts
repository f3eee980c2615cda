import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/free-port.js";
import { spawnProcessGroup } from "../support/spawn-process-group.js";
import { TEST_WEBHOOK_SECRET, testPrivateKey } from "../support/test-config.js";
import { createPostgresTestDatabase, testPostgres } from "../support/test-database.js";

const root = resolve(import.meta.dirname, "../..");
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
const loadPg = pathToFileURL(join(root, "src/db/load-pg.ts")).href;
/** Whether this Node answers pg's runtime check without a `Response` (Node 21 and later have `navigator`). */
const nodeHasNavigator = typeof (globalThis as { navigator?: unknown }).navigator === "object";

/** A module that, as the process exits, prints whether fetch's implementation (undici) was ever loaded. */
const reportUndici = `data:text/javascript,${encodeURIComponent(
  'import { writeSync } from "node:fs"; process.on("exit", () => writeSync(1, "\\nundici loaded: " + process.moduleLoadList.some((m) => m.includes("undici")) + "\\n"));',
)}`;

interface Probe {
  undici: boolean;
  response: string;
  socket: string;
  selected: number;
}

/**
 * Runs, in a node process of its own, `pg` (after `src/db/load-pg.ts` when `preload`) and
 * pg-boss, a query on `url`, and then `Response`; says what was loaded on the way.
 */
async function probe({ url, preload }: { url: string; preload: boolean }): Promise<Probe> {
  const script = `
    ${preload ? `await import(${JSON.stringify(loadPg)});` : ""}
    const { default: pg } = await import("pg");
    await import("pg-boss");
    const client = new pg.Client({ connectionString: ${JSON.stringify(url)} });
    const socket = client.connection.stream.constructor.name;
    await client.connect();
    const { rows } = await client.query("SELECT 41 + 1 AS answer");
    await client.end();
    const undici = process.moduleLoadList.some((m) => m.includes("undici"));
    const response = await new Response("still answers").text();
    console.log(JSON.stringify({ undici, response, socket, selected: rows[0].answer }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", tsxLoader, "--input-type=module", "-e", script], { cwd: root });
  return JSON.parse(stdout) as Probe;
}

describe.runIf(testPostgres.runs)("loading pg (src/db/load-pg.ts)", () => {
  let database: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    testPostgres.require();
    database = await createPostgresTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("keeps fetch's implementation out of the process; pg still connects over a Node socket and Response still works", async () => {
    const loaded = await probe({ url: database.url, preload: true });
    expect(loaded).toEqual({ undici: false, response: "still answers", socket: "Socket", selected: 42 });
  });

  it.runIf(!nodeHasNavigator)("is needed on this Node: pg loaded plainly pulls in undici through its Cloudflare check", async () => {
    const loaded = await probe({ url: database.url, preload: false });
    expect(loaded).toEqual({ undici: true, response: "still answers", socket: "Socket", selected: 42 });
  });

  it("is what the app's entry loads first: a ROLE=web process on PostgreSQL serves, stops on SIGTERM and never loaded undici", async () => {
    const port = await freePort();
    const cwd = mkdtempSync(join(tmpdir(), "audit-digest-load-pg-"));
    const app = spawnProcessGroup(process.execPath, ["--import", tsxLoader, "--import", reportUndici, join(root, "src/main.ts")], {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: cwd,
        APP_ID: "1",
        PRIVATE_KEY: testPrivateKey,
        WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
        DATABASE_URL: database.url,
        ROLE: "web",
        PORT: String(port),
        LOG_FORMAT: "json",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    app.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    app.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 30_000;
      let ready = false;
      while (!ready && Date.now() < deadline) {
        ready = (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200;
        if (!ready) await new Promise((done) => setTimeout(done, 200));
      }
      expect(ready, output).toBe(true);
      app.signal("SIGTERM");
      expect((await app.exited).code, output).toBe(0);
      expect(output).toContain('"msg":"audit-digest stopped"');
      expect(output).toContain("undici loaded: false");
    } finally {
      app.signal("SIGKILL");
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
