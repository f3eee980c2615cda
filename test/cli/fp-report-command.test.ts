import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { digestKey, saveDigest } from "../../src/digest/digest-store.js";
import type { DigestStateRow } from "../../src/digest/compute-digest-state.js";
import { recordDismissal } from "../../src/digest/digest-suppressions.js";
import type { Database } from "../../src/db/database.js";
import { createTestDatabase } from "../support/test-database.js";
import { runCliInMemory } from "./run-cli-in-memory.js";

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

function row(fingerprint: string, pattern: string, status: DigestStateRow["status"]): DigestStateRow {
  return {
    fingerprint,
    repo: "acme/app",
    path: `src/${fingerprint}.ts`,
    line: 1,
    pattern,
    severity: "medium",
    status,
    firstSeenAt: "2026-11-20T10:00:00.000Z",
    lastSeenAt: "2026-11-20T10:00:00.000Z",
    ...(status === "resolved" ? { resolvedAt: "2026-11-21T10:00:00.000Z" } : {}),
  };
}

/** Two digests of two installations, as the app saves them, with dismissals made by `/audit` commands. */
async function arrange(db: Database): Promise<void> {
  const digests = [
    {
      key: digestKey({ installationId: 1, home: "acme/app", auditId: "org-audit" }),
      rows: [row("a1", "logger", "suppressed"), row("a2", "logger", "open"), row("a3", "logger", "resolved"), row("b1", "payments-api", "suppressed"), row("b2", "payments-api", "open"), row("b3", "payments-api", "resolved")],
      dismissals: [
        ["a1", "logger", "false_positive"],
        ["b1", "payments-api", "wont_fix"],
        // Dismissed, then gone from a later scan: it still counts as dismissed.
        ["b3", "payments-api", "wont_fix"],
      ],
    },
    {
      key: digestKey({ installationId: 2, home: "other/site", auditId: "site-audit" }),
      rows: [row("c1", "logger", "suppressed"), row("c2", "tokens\u001b[31m", "suppressed"), row("c3", "tokens\u001b[31m", "open")],
      dismissals: [
        ["c1", "logger", "used_in_tests"],
        ["c2", "tokens\u001b[31m", "false_positive"],
      ],
    },
  ] as const;
  for (const { key, rows, dismissals } of digests) {
    await saveDigest({
      db,
      key,
      record: { repository: key.home, issueNumber: 1, lastGeneratedAt: "2026-11-21T10:00:00.000Z", lastContentSha256: "0".repeat(64), state: "open", complete: true, pendingComment: null },
      findings: rows,
    });
    for (const [fingerprint, pattern, reason] of dismissals) {
      await recordDismissal({ db, key, fingerprint, pattern, reason, by: { actor: "maria", commentId: 1 } });
    }
  }
}

async function dataDirWith(arrangeData: (db: Database) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-fp-report-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const db = await createTestDatabase({ dataDir: path.join(dir, "data") });
  try {
    await arrangeData(db);
  } finally {
    await db.close();
  }
  return dir;
}

describe("audit-digest fp-report", () => {
  it("prints every pattern of every digest, worst first, with its findings by outcome, as a table and as JSON", async () => {
    const dir = await dataDirWith(arrange);

    const json = await runCliInMemory(["fp-report", "--json"], { cwd: dir, env: { DATA_DIR: "data" } });
    expect([json.code, json.stderr]).toEqual([0, ""]);
    expect(JSON.parse(json.stdout)).toEqual({
      patterns: [
        { pattern: "tokens\u001b[31m", findings: 2, false_positive: 1, wont_fix: 0, used_in_tests: 0, suppressed: 0, open: 1, resolved: 0, false_positive_rate: 0.5 },
        { pattern: "logger", findings: 4, false_positive: 1, wont_fix: 0, used_in_tests: 1, suppressed: 0, open: 1, resolved: 1, false_positive_rate: 0.25 },
        { pattern: "payments-api", findings: 3, false_positive: 0, wont_fix: 2, used_in_tests: 0, suppressed: 0, open: 1, resolved: 0, false_positive_rate: 0 },
      ],
    });

    const text = await runCliInMemory(["fp-report"], { cwd: dir, env: { DATA_DIR: "data" } });
    expect([text.code, text.stderr]).toEqual([0, ""]);
    // The escape sequence in a pattern reaches the terminal as U+FFFD, not as a colour change.
    expect(text.stdout).toBe(
      [
        "pattern       findings  false positive  won't fix  used in tests  suppressed  open  resolved  false-positive rate",
        "tokens\uFFFD[31m          2               1          0              0           0     1         0                  50%",
        "logger               4               1          0              1           0     1         1                  25%",
        "payments-api         3               0          2              0           0     1         0                   0%",
        "3 patterns, 9 findings, 2 dismissed as false positive (22%)",
        "",
      ].join("\n"),
    );
  });

  it("counts a finding suppressed by a mute or the configuration as suppressed, not as dismissed", async () => {
    const dir = await dataDirWith(async (db) => {
      await saveDigest({
        db,
        key: digestKey({ installationId: 1, home: "acme/app", auditId: "org-audit" }),
        record: { repository: "acme/app", issueNumber: 1, lastGeneratedAt: "2026-11-21T10:00:00.000Z", lastContentSha256: "0".repeat(64), state: "open", complete: true, pendingComment: null },
        findings: [{ ...row("m1", "legacy", "suppressed"), suppressedReason: "muted by @maria on 2026-11-20" }],
      });
    });
    const run = await runCliInMemory(["fp-report", "--json"], { cwd: dir, env: { DATA_DIR: "data" } });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      patterns: [{ pattern: "legacy", findings: 1, false_positive: 0, wont_fix: 0, used_in_tests: 0, suppressed: 1, open: 0, resolved: 0, false_positive_rate: 0 }],
    });
  });

  it("says so when no finding is recorded, and exits 0", async () => {
    const dir = await dataDirWith(() => Promise.resolve());
    const text = await runCliInMemory(["fp-report"], { cwd: dir, env: { DATA_DIR: "data" } });
    expect([text.code, text.stdout, text.stderr]).toEqual([0, "no findings recorded\n", ""]);
    const json = await runCliInMemory(["fp-report", "--json"], { cwd: dir, env: { DATA_DIR: "data" } });
    expect([json.code, JSON.parse(json.stdout)]).toEqual([0, { patterns: [] }]);
  });

  it("exits 1 when the database cannot be opened, naming the setting", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-fp-report-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const run = await runCliInMemory(["fp-report"], { cwd: dir, env: { DATA_DIR: "nowhere" } });
    expect([run.code, run.stdout]).toEqual([1, ""]);
    expect(run.stderr).toBe(
      `audit-digest fp-report: cannot open the PGlite data directory DATA_DIR (${path.join(dir, "nowhere")}): it holds no database (start the app once to create it, or set DATA_DIR or DATABASE_URL to the app's database)\n`,
    );
    const bad = await runCliInMemory(["fp-report"], { cwd: dir, env: { DATABASE_URL: "mysql://db/app" } });
    expect([bad.code, bad.stderr]).toEqual([1, "audit-digest fp-report: DATABASE_URL: must be a postgres:// connection URL\n"]);
  });

  it("answers usage errors with exit 1 and the help, and --help with exit 0", async () => {
    for (const argv of [["fp-report", "extra"], ["fp-report", "--top", "3"]]) {
      const run = await runCliInMemory(argv, { cwd: process.cwd(), env: {} });
      expect([argv, run.code, run.stdout]).toEqual([argv, 1, ""]);
      expect(run.stderr).toContain("usage: audit-digest fp-report [--json]");
    }
    const help = await runCliInMemory(["fp-report", "--help"], { cwd: process.cwd(), env: {} });
    expect([help.code, help.stdout.startsWith("usage: audit-digest fp-report [--json]")]).toEqual([0, true]);
    const list = await runCliInMemory(["--help"], { cwd: process.cwd(), env: {} });
    expect(list.stdout).toContain("fp-report");
  });
});
