import { describe, expect, it } from "vitest";
import { planIssueLifecycle } from "../../src/issues/plan-issue-lifecycle.js";

describe("issue lifecycle", () => {
  it("closes an open issue when a complete scan leaves nothing open", () => {
    expect(planIssueLifecycle({ state: "open", wantClosed: true, newCount: 0 })).toEqual({
      change: { state: "closed", state_reason: "completed" },
      state: "closed",
      comment: "all-resolved",
    });
  });

  it("reopens a closed issue only for new findings", () => {
    expect(planIssueLifecycle({ state: "closed", wantClosed: false, newCount: 0 })).toEqual({ state: "closed", comment: null });
    expect(planIssueLifecycle({ state: "closed", wantClosed: false, newCount: 2 })).toEqual({
      change: { state: "open", state_reason: "reopened" },
      state: "open",
      comment: "new-findings",
    });
  });

  it("announces new findings on an open issue without changing its state", () => {
    expect(planIssueLifecycle({ state: "open", wantClosed: false, newCount: 1 })).toEqual({ state: "open", comment: "new-findings" });
    expect(planIssueLifecycle({ state: "open", wantClosed: false, newCount: 0 })).toEqual({ state: "open", comment: null });
  });
});
