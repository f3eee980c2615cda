import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../support/free-port.js";
import { processGroupMembers } from "../support/process-group-members.js";
import { spawnProcessGroup } from "../support/spawn-process-group.js";
import { TEST_WEBHOOK_SECRET, testPrivateKey } from "../support/test-config.js";
import { createTestDatabase } from "../support/test-database.js";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanups.splice(0).reverse()) step();
});

/**
 * Starts `src/main.ts` in an empty folder with only the given environment, either as `npm run dev`
 * does (`runner: "tsx"`, the default: the tsx command, which runs the app in a node process of its
 * own and relays signals to it) or as `npm start` runs the built app (`runner: "node"`: one node
 * process, here with tsx's loader, that takes signals itself). The first process leads a process
 * group, which the test's cleanup ends as a whole: the app's node process included.
 */
function startMain(env: Record<string, string>, { runner = "tsx" }: { runner?: "tsx" | "node" } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "audit-digest-main-"));
  cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const [command, args] = runner === "tsx" ? [tsx, [join(root, "src/main.ts")]] : [process.execPath, ["--import", tsxLoader, join(root, "src/main.ts")]];
  const group = spawnProcessGroup(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  group.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  group.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const end = () => group.signal("SIGKILL");
  cleanups.push(end);
  const exited = group.exited.then(({ code }) => code);
  return { pid: group.pid, exited, output: () => output, terminate: () => group.signal("SIGTERM"), end };
}

/** Waits until `probe` is true (checked every 100 ms) or `ms` have passed; returns the last answer. */
async function eventually(probe: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!probe() && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
  return probe();
}

describe("the app process", () => {
  it("in production with missing settings, exits 1 with one message listing every missing variable", async () => {
    const main = startMain({ NODE_ENV: "production", PORT: "eighty" });
    expect(await main.exited).toBe(1);
    expect(main.output()).toContain("Invalid configuration");
    expect(main.output()).toContain("PORT:");
    expect(main.output()).not.toContain("    at ");
  });

  it("with APP_ID but no WEBHOOK_SECRET, a short HMAC key and ROLE=web on PGlite, exits 1 naming every problem, no secret", async () => {
    const shortSecret = "c2hvcnQtaG1hYy1zZWNyZXQ="; // 17 bytes
    const main = startMain({ APP_ID: "1", PRIVATE_KEY: testPrivateKey, AUDIT_HMAC_KEYS: `k1:${shortSecret}`, ROLE: "web" });
    expect(await main.exited).toBe(1);
    const output = main.output();
    expect(output).toContain("Invalid configuration (3 problems)");
    expect(output).toContain("WEBHOOK_SECRET is missing (required whenever APP_ID is set");
    expect(output).toContain('AUDIT_HMAC_KEYS entry 1 (key id "k1"): secret is 17 bytes after decoding, at least 32 are required');
    expect(output).toContain("ROLE=web needs DATABASE_URL");
    expect(output).not.toContain(shortSecret);
    expect(output).not.toContain("PRIVATE KEY");
    expect(output).not.toContain("    at ");
  });

  it("without credentials outside production, serves the setup flow that registers the app", async () => {
    const port = await freePort();
    const main = startMain({ PORT: String(port), LOG_LEVEL: "warn", WEBHOOK_PROXY_URL: "https://smee.io/aUd1tD1gEsTcHaNnEl" });
    const started = Date.now();
    let response: Response | undefined;
    while (!response && Date.now() - started < 30_000) {
      response = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" }).catch(() => undefined);
      if (!response) await new Promise((done) => setTimeout(done, 200));
    }
    expect(response?.status).toBe(302);
    expect(response?.headers.get("location")).toBe("/probot");
    const page = await (await fetch(`http://127.0.0.1:${port}/probot`)).text();
    expect(page).toContain("Register GitHub App");
    main.terminate();
  });

  it("ends as a whole process group: after the wrapper is SIGKILLed with its group, no process of it remains (the app's node included)", async () => {
    const port = await freePort();
    const main = startMain({ PORT: String(port), LOG_LEVEL: "warn", WEBHOOK_PROXY_URL: "https://smee.io/aUd1tD1gEsTcHaNnEl" });
    const started = Date.now();
    let response: Response | undefined;
    while (!response && Date.now() - started < 30_000) {
      response = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" }).catch(() => undefined);
      if (!response) await new Promise((done) => setTimeout(done, 200));
    }
    expect(response?.status, main.output()).toBe(302);
    // The wrapper and the node process serving the app (tsx starts it as a child) share the group.
    const before = processGroupMembers(main.pid);
    expect(before).toContain(main.pid);
    expect(before.length).toBeGreaterThanOrEqual(2);

    main.end();
    await main.exited;
    // SIGKILL cannot be relayed by the wrapper: only a signal to the group reaches the app itself.
    // kill(-pgid, 0) answers ESRCH once no process of the group is left (ended and reaped).
    const probe = () => {
      try {
        process.kill(-main.pid, 0);
        return "alive";
      } catch (error) {
        return (error as NodeJS.ErrnoException).code;
      }
    };
    await eventually(() => probe() === "ESRCH", 10_000);
    expect(processGroupMembers(main.pid)).toEqual([]);
    expect(probe()).toBe("ESRCH");
  });

  it("on SIGTERM, stops taking work, closes the database and exits 0", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "audit-digest-data-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    await (await createTestDatabase({ dataDir })).close();
    const port = await freePort();
    const main = startMain({
      APP_ID: "1",
      PRIVATE_KEY: testPrivateKey,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_FORMAT: "json",
    }, { runner: "node" });
    const started = Date.now();
    let ready = false;
    while (!ready && Date.now() - started < 30_000) {
      ready = (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200;
      if (!ready) await new Promise((done) => setTimeout(done, 200));
    }
    expect(ready).toBe(true);
    // Its workers start after the HTTP server answers: the signal is sent once they run too.
    expect(await eventually(() => main.output().includes('"msg":"audit-digest started"'), 30_000)).toBe(true);
    main.terminate();
    expect(await main.exited).toBe(0);
    expect(main.output()).toContain('"msg":"audit-digest stopped"');
    expect(main.output()).not.toContain("BEGIN PRIVATE KEY");
  });
});
