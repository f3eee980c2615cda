import { describe, expect, it } from "vitest";
import { findDuplicateKey } from "../../src/artifact/find-duplicate-key.js";
import { parseArtifact } from "../../src/artifact/parse-artifact.js";
import { makeArtifact } from "./make-artifact.js";

const valid = JSON.stringify(makeArtifact(), null, 2);

describe("duplicate member names", () => {
  it("refuse the artifact and name the repeated member by its JSON path", () => {
    const text = valid.replace('"name": "pattern-scan",', '"name": "pattern-scan",\n    "name" : "other",');
    expect(parseArtifact(text)).toEqual({
      ok: false,
      errors: [{ path: "tool.name", code: "duplicate_key", message: "member name appears more than once in the same object" }],
    });
  });

  it("are found inside hits, also when one of the two is spelled with escapes", () => {
    const document = JSON.stringify(makeArtifact());
    const third = document.split('"line_number":').slice(0, 3).join('"line_number":').length;
    const text = `${document.slice(0, third)}"line\\u005fnumber":7,${document.slice(third)}`;
    const result = parseArtifact(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]).toMatchObject({ path: "org_unregistered_hits[2].line_number", code: "duplicate_key" });
  });

  it("are not confused by the same name in sibling or nested objects, or by names inside strings", () => {
    expect(findDuplicateKey(valid)).toBeUndefined();
    expect(findDuplicateKey('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"\\"a\\":1,\\"a\\":2"}')).toBeUndefined();
    expect(findDuplicateKey('{"a":{"b":1},"c":[0,{"d":1,"d":2}]}')).toBe("c[1].d");
  });
});
