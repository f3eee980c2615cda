import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const CHROMIUM = "/usr/bin/chromium";
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** `npm run demo -- --port 0` as a person runs it (the command of package.json's script); its whole process group is ended after the test. */
function startDemo() {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "demo/run-demo.ts"), "--port", "0"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? root },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone
    }
  };
  cleanups.push(() => signalGroup("SIGKILL"));
  return { exited, output: () => output, interrupt: () => signalGroup("SIGINT") };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number, failed: () => string | undefined): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    const failure = failed();
    if (failure !== undefined) throw new Error(`${what}: ${failure}`);
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

// With CI=true a missing Chromium fails the test (.ci/run installs Debian's chromium); elsewhere it is skipped.
const browserMissing = !existsSync(CHROMIUM) && process.env.CI !== "true";

describe("npm run demo", () => {
  it.skipIf(browserMissing)(
    "runs its script against the app and shows the digest and the check runs with their annotations in a browser; Ctrl-C stops it",
    async () => {
      expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
      const demo = startDemo();
      let exitCode: number | null | undefined;
      void demo.exited.then((code) => (exitCode = code));
      await waitFor("the demo to finish its script", () => (demo.output().includes("Done in ") ? true : undefined), 240_000, () =>
        exitCode !== undefined ? `the demo exited ${exitCode}:\n${demo.output()}` : undefined,
      );
      const output = demo.output();
      const pageUrl = /Open (http:\/\/127\.0\.0\.1:\d+\/) to see/.exec(output)?.[1];
      expect(pageUrl).toBeDefined();
      // What it printed, step by step: the digest, the check runs' verdicts and annotations, the replies.
      expect(output).toMatch(/2\. Workflow run \d+ completed with a signed artifact \(3 findings\): digest #2 "Audit digest: demo-audit" filed/);
      expect(output).toContain('check run "Audit ingest gate" on 1a2b3c4: success, 3 annotations');
      expect(output).toContain('check run "Audit ingest gate" on 2b3c4d5: success, 3 annotations');
      expect(output).toContain("**Audit status** for `demo-audit`");
      expect(output).toMatch(/Dismissed `[0-9a-f]{12}` \(`acme\/service` · `src\/logging\/setup\.ts` · `legacy-logger`\) as used in tests/);

      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
      cleanups.push(() => browser.close());
      const page = await browser.newPage();
      const response = await page.goto(pageUrl!);
      expect(response?.status()).toBe(200);

      const digest = page.locator("section.issue", { hasText: "Audit digest: demo-audit" });
      await expect.poll(() => digest.locator(".issue-title").textContent()).toBe("Audit digest: demo-audit");
      // The Markdown is rendered as GitHub shows it: tables, and <details> blocks that open on a click.
      expect(await digest.locator("table").first().isVisible()).toBe(true);
      const resolved = digest.locator("details", { hasText: "resolved finding" });
      expect(await resolved.locator("summary").textContent()).toContain("1 resolved finding");
      expect(await resolved.getByText("src/payments/charge.ts").isVisible()).toBe(false);
      await resolved.locator("summary").click();
      expect(await resolved.getByText("src/payments/charge.ts").first().isVisible()).toBe(true);
      // The app's reply to the maintainer's command is among the digest's comments.
      expect(await digest.locator(".comment", { hasText: "Audit status for demo-audit" }).count()).toBe(1);

      const checks = page.locator("section.check-run");
      expect(await checks.count()).toBe(2);
      for (const sha of ["1a2b3c4", "2b3c4d5"]) {
        const check = checks.filter({ hasText: `Audit ingest gate on ${sha}` });
        expect(await check.locator(".conclusion").textContent()).toBe("success");
        expect(await check.locator(".annotation-count").textContent()).toBe("3 annotations");
        expect(await check.locator(".annotations tbody tr").count()).toBe(3);
      }
      // No script of the rendered Markdown runs, and the page loads nothing from elsewhere.
      expect(await page.locator("script").count()).toBe(0);

      demo.interrupt();
      expect(await demo.exited).toBe(0);
      expect(demo.output()).toContain("Stopping the app, the simulator and the page");
      expect(await fetch(pageUrl!).then(() => "answered", () => "closed")).toBe("closed");
      const dataDir = /embedded PGlite in (\S+) /.exec(output)?.[1];
      expect(dataDir).toBeDefined();
      expect(existsSync(dataDir!)).toBe(false);
    },
    300_000,
  );
});
