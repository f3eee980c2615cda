import { describe, expect, it } from "vitest";
import { summarizeHits } from "../../src/artifact/summarize-hits.js";

describe("summarizeHits", () => {
  it("counts by severity and by repository, sorted by name", () => {
    const summary = summarizeHits([
      { repo: "acme/web", severity: "high" },
      { repo: "acme/api", severity: "critical" },
      { repo: "acme/web", severity: "medium" },
      { repo: "acme/web", severity: "high" },
    ]);
    expect(summary).toEqual({
      total: 4,
      bySeverity: { low: 0, medium: 1, high: 2, critical: 1 },
      byRepository: [
        { repository: "acme/api", total: 1, bySeverity: { low: 0, medium: 0, high: 0, critical: 1 } },
        { repository: "acme/web", total: 3, bySeverity: { low: 0, medium: 1, high: 2, critical: 0 } },
      ],
    });
  });

  it("is empty for no hits", () => {
    expect(summarizeHits([])).toEqual({ total: 0, bySeverity: { low: 0, medium: 0, high: 0, critical: 0 }, byRepository: [] });
  });
});
