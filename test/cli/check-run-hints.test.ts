import { describe, expect, it } from "vitest";
import { renderCheckOutput } from "../../src/checks/render-check-output.js";

// `audit-digest` is not a package on the npm registry: a check run that told producers to run
// `npx audit-digest` would have them run whatever is published under that name.
describe("the check run's hints for producers", () => {
  it("a rejected artifact: names the command line, how to install it, and the action", () => {
    const { summary } = renderCheckOutput({ kind: "invalid", errors: [{ path: "audit_id", code: "schema", message: "required field is missing" }] });
    expect(summary).toContain("`audit-digest validate consumer_artifact.json`");
    expect(summary).toContain("not on the npm registry");
    expect(summary).toContain("`npm pack`");
    expect(summary).toContain("`action.yml`");
    expect(summary).not.toContain("npx ");
  });

  it("a rejected signature: names the action's inputs and the sign command", () => {
    const { summary } = renderCheckOutput({ kind: "signature_invalid", error: 'unknown key_id "k9"' });
    expect(summary).toContain("`key-id` and `signing-key` inputs");
    expect(summary).toContain("`audit-digest sign consumer_artifact.json --key-id <id>`");
    expect(summary).toContain("not on the npm registry");
    expect(summary).not.toContain("npx ");
  });
});
