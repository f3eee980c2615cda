/**
 * The open/closed rules shared by the digest and per-repository issues, given the issue's state
 * on GitHub now:
 * - open, and a complete scan left nothing open → close it (state_reason `completed`) and say so;
 * - closed (by the app or by a person) and findings are new → reopen it and list them;
 * - open and findings are new → keep it open and list them;
 * - otherwise the state stays. A closed issue is never reopened for findings that were already
 *   known when it was closed.
 */
export interface IssueLifecycleInput {
  state: "open" | "closed";
  /** A complete, valid scan left no open findings. */
  wantClosed: boolean;
  /** Findings open now that were not open at the previous update. */
  newCount: number;
}

export interface IssueLifecycle {
  /** The state change to send with the update, if any. */
  change?: { state: "closed"; state_reason: "completed" } | { state: "open"; state_reason: "reopened" };
  /** The state after the update. */
  state: "open" | "closed";
  /** The comment people must hear, if any. */
  comment: "new-findings" | "all-resolved" | null;
}

export function planIssueLifecycle({ state, wantClosed, newCount }: IssueLifecycleInput): IssueLifecycle {
  if (state === "open" && wantClosed) {
    return { change: { state: "closed", state_reason: "completed" }, state: "closed", comment: "all-resolved" };
  }
  if (state === "closed" && newCount > 0) {
    return { change: { state: "open", state_reason: "reopened" }, state: "open", comment: "new-findings" };
  }
  return { state, comment: state === "open" && newCount > 0 ? "new-findings" : null };
}
