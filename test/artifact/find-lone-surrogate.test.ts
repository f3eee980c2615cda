import { describe, expect, it } from "vitest";
import { parseArtifact } from "../../src/artifact/parse-artifact.js";
import { makeArtifact, makeHit } from "./make-artifact.js";

describe("unpaired surrogates", () => {
  it("refuse the artifact with the path of the string that holds one (a path could not be linked)", () => {
    const text = JSON.stringify(makeArtifact({ org_unregistered_hits: [makeHit(), makeHit({ path: "src/\uD800.ts" })] }));
    expect(text).toContain("\\ud800");
    const result = parseArtifact(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      { path: "org_unregistered_hits[1].path", code: "invalid_encoding", message: "string holds an unpaired UTF-16 surrogate (a \\uD800–\\uDFFF escape without its pair)" },
    ]);
  });

  it("are refused in member names too, and the name is shown without them", () => {
    const result = parseArtifact(JSON.stringify(makeArtifact({ "x\uDC00": 1 })));
    expect(!result.ok && result.errors[0]).toMatchObject({ path: '["x\uFFFD"]', code: "invalid_encoding" });
  });

  it("leave pairs alone, escaped or not", () => {
    const emoji = "\u{1F600}";
    expect(parseArtifact(JSON.stringify(makeArtifact({ org_unregistered_hits: [makeHit({ snippet: `a ${emoji}` })] }))).ok).toBe(true);
    expect(parseArtifact(JSON.stringify(makeArtifact()).replace('"pattern-scan"', '"pattern-scan \\ud83d\\ude00"')).ok).toBe(true);
  });
});
