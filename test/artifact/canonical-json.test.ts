import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/artifact/canonical-json.js";

const vectorsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/jcs-vectors");

/** The RFC 8785 reference vectors kept with the tests; missing ones fail the run, they never skip. */
function vectorNames(): string[] {
  const inputDir = path.join(vectorsDir, "input");
  if (!existsSync(inputDir)) {
    throw new Error(
      `RFC 8785 test vectors not found at ${inputDir}: restore test/fixtures/jcs-vectors (input/ and output/, see SOURCE.md there)`,
    );
  }
  return readdirSync(inputDir)
    .filter((name) => name.endsWith(".json"))
    .sort();
}

describe("canonicalJson", () => {
  const names = vectorNames();

  it("has the reference vectors", () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
  });

  it.each(names)("matches the RFC 8785 reference output for %s", (name) => {
    const input = readFileSync(path.join(vectorsDir, "input", name), "utf8");
    const expected = readFileSync(path.join(vectorsDir, "output", name), "utf8");
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
  });

  it("throws for values without a JSON form", () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.NaN })).toThrow();
  });

  it("does not depend on key order or whitespace (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (value, indent) => {
        const reordered = JSON.parse(JSON.stringify(value, reverseKeys, indent)) as unknown;
        expect(canonicalJson(reordered)).toBe(canonicalJson(value));
      }),
    );
  });
});

function reverseKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).reverse());
}
