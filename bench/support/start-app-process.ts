import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { freePort } from "../../test/support/free-port.js";
import { TEST_APP_ID, TEST_WEBHOOK_SECRET, testPrivateKey } from "../../test/support/test-config.js";

const root = resolve(import.meta.dirname, "../..");
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
const OUTPUT_KEPT = 64 * 1024;

export interface AppProcessOptions {
  /**
   * Variables over the defaults (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET of test/support/test-config.ts,
   * HOST=127.0.0.1, a free PORT, NODE_ENV=production, LOG_LEVEL=warn, LOG_FORMAT=json). Set
   * DATA_DIR or DATABASE_URL, and GHE_HOST/GHE_PROTOCOL for a simulator. Nothing else of this
   * process's environment is passed on but PATH and HOME.
   */
  env?: Record<string, string>;
  /**
   * `tsx` (default): `node --import tsx src/main.ts`, so the source as it is now runs; `dist`:
   * `node dist/main.js`, which needs `npm run build` first. Either way the child is the node
   * process itself, not a wrapper, so its /proc figures are the app's.
   */
  build?: "tsx" | "dist";
  /** How long to wait for the ready path to answer 200 (default 60 s). */
  readyTimeoutMs?: number;
  /** Flags for node before the script, e.g. `["--cpu-prof", "--cpu-prof-dir=prof"]`. */
  nodeFlags?: string[];
}

export interface AppProcess {
  /** The node process (leader of its own process group). */
  pid: number;
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Where webhooks are POSTed (`<url>/api/github/webhooks`, both for the app and bare Probot). */
  webhookUrl: string;
  /** Resident set size now (VmRSS of /proc/<pid>/status). */
  rssBytes(): number;
  /** Highest resident set size since start (VmHWM). */
  peakRssBytes(): number;
  /** User plus system CPU time the process has used since start (/proc/<pid>/stat utime + stime). */
  cpuMs(): number;
  /** The last 64 KB of what the process wrote to stdout and stderr. */
  output(): string;
  /** Resolves with the exit code (or null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs` (default 10 s); removes its working folder. */
  stop(options?: { graceMs?: number }): Promise<number | null>;
}

/**
 * Starts the real app (`src/main.ts`) as a child process in its own process group and an empty
 * working folder (no `.env` is read), and waits until `GET /readyz` answers 200.
 */
export async function startAppProcess(options: AppProcessOptions = {}): Promise<AppProcess> {
  const build = options.build ?? "tsx";
  const args =
    build === "tsx" ? ["--import", tsxLoader, join(root, "src/main.ts")] : [join(root, "dist/main.js")];
  if (build === "dist" && !existsSync(join(root, "dist/main.js"))) {
    throw new Error("startAppProcess: dist/main.js is missing; run `npm run build` first or use build: \"tsx\"");
  }
  return startNodeProcess({ args: [...(options.nodeFlags ?? []), ...args], readyPath: "/readyz", ...options });
}

/**
 * Starts the baseline, a bare Probot 14 app with an empty `workflow_run.completed` handler
 * (bench/support/bare-probot-app.ts), the same way as `startAppProcess` and with the same
 * defaults, and waits until Probot's `GET /ping` answers. `loader: "none"` runs it with plain
 * node, as `startAppProcess({ build: "dist" })` runs the app, so neither carries the tsx loader
 * (its hooks thread alone holds about 25 MB, which matters to a memory figure).
 */
export async function startBareProbotProcess(
  options: Omit<AppProcessOptions, "build"> & { loader?: "tsx" | "none" } = {},
): Promise<AppProcess> {
  return startNodeProcess({
    args: [...(options.nodeFlags ?? []), ...bareProbotArgs(options.loader ?? "tsx")],
    readyPath: "/ping",
    ...options,
  });
}

/**
 * Node's arguments for the baseline: its source under the tsx loader, or, for `none`, the same
 * source with its types stripped, written as a module under node_modules/.cache (where its
 * imports resolve as from bench/support).
 */
function bareProbotArgs(loader: "tsx" | "none"): string[] {
  const source = join(root, "bench/support/bare-probot-app.ts");
  if (loader === "tsx") return ["--import", tsxLoader, source];
  const folder = join(root, "node_modules/.cache/audit-digest-bench");
  const script = join(folder, "bare-probot-app.mjs");
  const { outputText } = ts.transpileModule(readFileSync(source, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  mkdirSync(folder, { recursive: true });
  writeFileSync(script, outputText);
  return [script];
}

async function startNodeProcess({
  args,
  readyPath,
  env = {},
  readyTimeoutMs = 60_000,
}: AppProcessOptions & { args: string[]; readyPath: string }): Promise<AppProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const cwd = mkdtempSync(join(tmpdir(), "audit-digest-bench-"));
  const child = spawn(process.execPath, args, {
    cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? cwd,
      NODE_ENV: "production",
      APP_ID: String(TEST_APP_ID),
      PRIVATE_KEY: testPrivateKey,
      WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
      ...env,
      PORT: String(port),
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${process.execPath} ${args.join(" ")}`);

  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((done) =>
    child.on("exit", (code) => {
      exitCode = code;
      done(code);
    }),
  );

  const url = `http://127.0.0.1:${port}`;
  let stopping: Promise<number | null> | undefined;
  const stop = ({ graceMs = 10_000 }: { graceMs?: number } = {}) =>
    (stopping ??= (async () => {
      if (exitCode === undefined) signalGroup(pid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      signalGroup(pid, "SIGKILL"); // anything the process left behind in its group
      rmSync(cwd, { recursive: true, force: true });
      return code;
    })());

  const started = Date.now();
  for (;;) {
    if (exitCode !== undefined) {
      await stop();
      throw new Error(`${args.at(-1)} exited with ${exitCode} before ${readyPath} answered:\n${output}`);
    }
    const status = await fetch(`${url}${readyPath}`).then(
      (response) => response.status,
      () => undefined,
    );
    if (status === 200) break;
    if (Date.now() - started > readyTimeoutMs) {
      await stop();
      throw new Error(`${args.at(-1)}: ${readyPath} did not answer 200 within ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }

  return {
    pid,
    port,
    url,
    webhookUrl: `${url}${env.WEBHOOK_PATH ?? "/api/github/webhooks"}`,
    rssBytes: () => statusKb(pid, "VmRSS") * 1024,
    peakRssBytes: () => statusKb(pid, "VmHWM") * 1024,
    cpuMs: () => cpuMs(pid),
    output: () => output,
    exited,
    stop,
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** A `kB` field of /proc/<pid>/status. */
function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${field} line`);
  return Number(match[1]);
}

let clockTicks: number | undefined;

/** utime + stime of /proc/<pid>/stat (fields 14 and 15, in clock ticks), in milliseconds. */
function cpuMs(pid: number): number {
  clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicks;
}
