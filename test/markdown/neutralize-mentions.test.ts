import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { neutralizeMentions } from "../../src/markdown/neutralize-mentions.js";

/** What GitHub would turn into a ping or a cross-reference. */
const MENTION = /(?:^|[^A-Za-z0-9_`])@[A-Za-z0-9]/;
const REFERENCE = /#[0-9]|GH-[0-9]/i;

describe("neutralizeMentions", () => {
  it.each([
    ["@octocat please look", "@\u200Boctocat please look"],
    ["cc @my-org/security-team", "cc @\u200Bmy-org/security-team"],
    ["fixes #123", "fixes #\u200B123"],
    ["see octo/repo#45 and GH-7", "see octo/repo#\u200B45 and GH-\u200B7"],
    ["lowercase gh-9", "lowercase gh-\u200B9"],
    ["mail dev@example.com", "mail dev@\u200Bexample.com"],
  ])("neutralises %j", (text, expected) => {
    const out = neutralizeMentions(text);
    expect(out).toBe(expected);
    expect(out).not.toMatch(MENTION);
    expect(out).not.toMatch(REFERENCE);
    // Looks the same once the invisible character is removed.
    expect(out.replaceAll("\u200B", "")).toBe(text);
  });

  it("leaves text without triggers alone", () => {
    for (const text of ["a # heading", "#L12", "@ alone", "issue-123", "C# code", "email at example dot com"]) {
      expect(neutralizeMentions(text)).toBe(text);
    }
  });

  it("is idempotent and leaves no mention or reference (property)", () => {
    const pieces = fc.constantFrom("@", "#", "GH-", "gh-", "a", "1", "/", " ", "\u200B", "team");
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 })), { maxLength: 40 }), (parts) => {
        const once = neutralizeMentions(parts.join(""));
        expect(neutralizeMentions(once)).toBe(once);
        expect(once).not.toMatch(/@[A-Za-z0-9]/);
        expect(once).not.toMatch(REFERENCE);
      }),
      { numRuns: 500 },
    );
  });
});
