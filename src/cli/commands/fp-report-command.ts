import type { Database } from "../../db/database.js";
import { loadPatternFeedback } from "../../feedback/load-pattern-feedback.js";
import type { PatternFeedback } from "../../feedback/pattern-feedback.js";
import type { CliCommand } from "../cli-command.js";
import type { CliIo } from "../cli-io.js";
import { ExitCode } from "../exit-code.js";
import { parseCommandWithHelp } from "../parse-command-args.js";
import { withAppDatabase } from "../with-app-database.js";
import { writeUsageError } from "../write-usage-error.js";

const usage = `usage: audit-digest fp-report [--json]

How often each pattern misfires, for the people who write the scanner's patterns:
every finding the digests hold, counted once per pattern, under the reason it was
dismissed with an /audit command (false positive, won't fix, used in tests), or,
when nobody dismissed it, as suppressed (muted, or by the configuration's
suppressions), open or resolved. Patterns are listed worst first: the highest
share of findings dismissed as false positive, then the most of them.

  --json      print the report as JSON on standard output
  -h, --help  show this help

Works on the app's configured database: DATABASE_URL, or the PGlite directory in
DATA_DIR (default ./data) while the app is stopped.
Exit codes: 0 report printed (also when no finding is recorded), 1 usage error or
the database cannot be opened.
`;

const COLUMNS = [
  { title: "findings", value: (line: PatternFeedback) => line.findings },
  { title: "false positive", value: (line: PatternFeedback) => line.counts.false_positive },
  { title: "won't fix", value: (line: PatternFeedback) => line.counts.wont_fix },
  { title: "used in tests", value: (line: PatternFeedback) => line.counts.used_in_tests },
  { title: "suppressed", value: (line: PatternFeedback) => line.counts.suppressed },
  { title: "open", value: (line: PatternFeedback) => line.counts.open },
  { title: "resolved", value: (line: PatternFeedback) => line.counts.resolved },
] as const;
const RATE_TITLE = "false-positive rate";

async function execute(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandWithHelp({ command: "fp-report", args, options: { json: { type: "boolean" } }, usage, io });
  if (!parsed.ok) return parsed.exitCode;
  if (parsed.positionals.length > 0) {
    return writeUsageError({ io, command: "fp-report", usage, message: `takes no arguments, got ${JSON.stringify(parsed.positionals.join(" "))}` });
  }
  const json = parsed.values.json === true;

  return withAppDatabase({
    io,
    command: "fp-report",
    needs: { name: "digests", isPresent: hasDigests },
    work: async ({ db }) => {
      const report = await loadPatternFeedback(db);
      io.stdout.write(json ? `${JSON.stringify({ patterns: report.map(toJson) }, null, 2)}\n` : renderTable(report));
      return ExitCode.ok;
    },
  });
}

async function hasDigests(db: Database): Promise<boolean> {
  const { rows } = await db.query<{ present: boolean }>(
    "SELECT to_regclass('digest_findings') IS NOT NULL AND to_regclass('digest_dismissals') IS NOT NULL AS present",
  );
  return rows[0]?.present === true;
}

/** Artifact text on a terminal: control characters (escape sequences included) shown as U+FFFD. */
function terminalText(text: string): string {
  return text.replace(/\p{Cc}/gu, "\uFFFD");
}

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`;
}

function renderTable(report: readonly PatternFeedback[]): string {
  if (report.length === 0) return "no findings recorded\n";
  const titles = ["pattern", ...COLUMNS.map((c) => c.title), RATE_TITLE];
  const cells = report.map((line) => [terminalText(line.pattern), ...COLUMNS.map((c) => String(c.value(line))), percent(line.falsePositiveRate)]);
  const widths = titles.map((title, column) => Math.max(title.length, ...cells.map((row) => (row[column] as string).length)));
  // The pattern is left-aligned, the numbers right-aligned under their titles.
  const format = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number)))
      .join("  ")
      .trimEnd();
  const findings = report.reduce((sum, line) => sum + line.findings, 0);
  const falsePositives = report.reduce((sum, line) => sum + line.counts.false_positive, 0);
  const total =
    `${report.length} pattern${report.length === 1 ? "" : "s"}, ${findings} finding${findings === 1 ? "" : "s"}, ` +
    `${falsePositives} dismissed as false positive (${percent(findings === 0 ? 0 : falsePositives / findings)})`;
  return `${[titles, ...cells].map(format).join("\n")}\n${total}\n`;
}

function toJson(line: PatternFeedback) {
  return {
    pattern: line.pattern,
    findings: line.findings,
    false_positive: line.counts.false_positive,
    wont_fix: line.counts.wont_fix,
    used_in_tests: line.counts.used_in_tests,
    suppressed: line.counts.suppressed,
    open: line.counts.open,
    resolved: line.counts.resolved,
    false_positive_rate: line.falsePositiveRate,
  };
}

export const fpReportCommand: CliCommand = {
  name: "fp-report",
  usage,
  execute,
};
