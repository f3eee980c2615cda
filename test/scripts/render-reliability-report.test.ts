import { describe, expect, it } from "vitest";
import { failingScenarios, parseReliabilityFigures, renderReliabilityReport } from "../../scripts/render-reliability-report.js";
import type { ReliabilityFigures } from "../support/reliability-report.js";

const held: ReliabilityFigures = { scenario: "Crash recovery (PGlite)", tried: "100 ingests, SIGKILL, restart", cases: 100, lost: 0, duplicated: 0, leaked: 0, crashed: 0, notes: "done 41 s after restart" };
const broken: ReliabilityFigures = { scenario: "GitHub faults", tried: "20 % of requests fail", cases: 40, lost: 0, duplicated: 2, leaked: 0, crashed: 0 };
const run = { testsPassed: true, suites: ["test/reliability/a.test.ts"], seconds: 12, node: "v20.0.0", cpus: 2, date: "2026-12-02" };

describe("docs/reliability.md from the scenarios' figures", () => {
  it("says every scenario held only when every count is 0 and the tests passed", () => {
    const page = renderReliabilityReport({ ...run, figures: [held, { ...held, scenario: "Load", cases: 1000 }] });
    expect(page).toContain("**Every scenario held: 1,100 cases, 0 lost, 0 duplicated, 0 leaked, 0 crashed.**");
    expect(page).toContain("| Crash recovery (PGlite) | 100 ingests, SIGKILL, restart | 100 | 0 | 0 | 0 | 0 | done 41 s after restart |");
    expect(renderReliabilityReport({ ...run, testsPassed: false, figures: [held] })).toContain("Not every scenario held: 0 scenario(s) report a non-zero count, and some tests failed");
  });

  it("names a scenario that duplicated something and totals its count", () => {
    const page = renderReliabilityReport({ ...run, figures: [held, broken] });
    expect(failingScenarios([held, broken]).map((line) => line.scenario)).toEqual(["GitHub faults"]);
    expect(page).toContain("Not every scenario held: 1 scenario(s) report a non-zero count.");
    expect(page).toContain("| **total** | | **140** | **0** | **2** | **0** | **0** | |");
  });

  it("reads the JSON lines the suites append and refuses a line that is not a scenario record", () => {
    expect(parseReliabilityFigures(`${JSON.stringify(held)}\n\n${JSON.stringify(broken)}\n`)).toEqual([held, broken]);
    expect(() => parseReliabilityFigures(`${JSON.stringify(held)}\n{"scenario":"x"}\n`)).toThrow(/line 2 of the reliability figures is not a scenario record/);
  });
});
