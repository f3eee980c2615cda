import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { consumerArtifactSchema } from "../../src/artifact/consumer-artifact-schema.js";
import { findUnknownFields } from "../../src/artifact/find-unknown-fields.js";
import { parseArtifact } from "../../src/artifact/parse-artifact.js";
import { scanJsonDepth } from "../../src/artifact/scan-json-depth.js";
import { makeArtifact, makeHit } from "./make-artifact.js";

const text = (value: unknown): string => JSON.stringify(value);

function errorsOf(result: ReturnType<typeof parseArtifact>) {
  if (result.ok) throw new Error("expected the artifact to be refused");
  return result.errors;
}

describe("parseArtifact", () => {
  it("accepts a valid artifact, applies defaults and keeps the document as written", () => {
    const result = parseArtifact(text(makeArtifact()));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.artifact.complete).toBe(true);
    expect(result.artifact.org_unregistered_hits[2]!.severity).toBe("medium");
    expect(result.document).toEqual(makeArtifact());
    expect("complete" in result.document).toBe(false);
    expect(result.warnings).toEqual([]);
  });

  it("accepts bytes with a UTF-8 BOM, and a string with one", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(text(makeArtifact()))]);
    expect(parseArtifact(bytes).ok).toBe(true);
    expect(parseArtifact(`\uFEFF${text(makeArtifact())}`).ok).toBe(true);
  });

  it("names the JSON path of a schema error", () => {
    const artifact = makeArtifact();
    (artifact.org_unregistered_hits as Record<string, unknown>[])[3]!.line_number = "7";
    const errors = errorsOf(parseArtifact(text(artifact)));
    expect(errors).toEqual([
      { path: "org_unregistered_hits[3].line_number", code: "schema", message: expect.stringContaining("expected number") },
    ]);
  });

  it("says when a required field is missing", () => {
    const { audit_id: _removed, ...artifact } = makeArtifact();
    const errors = errorsOf(parseArtifact(text(artifact)));
    expect(errors[0]).toMatchObject({ path: "audit_id", message: "required field is missing (expected string)" });
  });

  it.each([
    [{ schema_version: 2 }, "schema_version"],
    [{ audit_id: "-bad" }, "audit_id"],
    [{ generated_at: "yesterday" }, "generated_at"],
    [{ source: { repository: "acme", sha: "x" } }, "source.repository"],
    [{ org_unregistered_hits: [makeHit({ path: "../etc/passwd" })] }, "org_unregistered_hits[0].path"],
    [{ org_unregistered_hits: [makeHit({ path: "/abs" })] }, "org_unregistered_hits[0].path"],
    [{ org_unregistered_hits: [makeHit({ line_number: 0 })] }, "org_unregistered_hits[0].line_number"],
    [{ org_unregistered_hits: [makeHit({ severity: "urgent" })] }, "org_unregistered_hits[0].severity"],
    [{ org_unregistered_hits: [makeHit({ snippet: "x".repeat(2001) })] }, "org_unregistered_hits[0].snippet"],
    [{ signature: { alg: "hmac-sha256", key_id: "k", value: "zz" } }, "signature.value"],
  ])("refuses %j at %s", (overrides, path) => {
    const errors = errorsOf(parseArtifact(text(makeArtifact(overrides))));
    expect(errors.map((e) => e.path)).toContain(path);
  });

  it("never puts snippet text into error messages", () => {
    const secret = "ghp_" + "S".repeat(2_100);
    const errors = errorsOf(parseArtifact(text(makeArtifact({ org_unregistered_hits: [makeHit({ snippet: secret })] }))));
    expect(JSON.stringify(errors)).not.toContain("ghp_");
    const broken = `{"schema_version":1,"x":"ghp_SECRETTOKEN" oops}`;
    const syntax = errorsOf(parseArtifact(broken));
    expect(syntax[0]).toMatchObject({ code: "invalid_json", path: "" });
    expect(syntax[0]!.message).toMatch(/line 1, column \d+/);
    expect(syntax[0]!.message).not.toContain("SECRETTOKEN");
  });

  it("warns about unknown fields but keeps them", () => {
    const artifact = makeArtifact({ x_note: 1, tool: { name: "s", version: "1", build: 7 } });
    (artifact.org_unregistered_hits as Record<string, unknown>[])[1]!.confidence = 0.9;
    const result = parseArtifact(text(artifact));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.map((w) => w.path)).toEqual(["x_note", "tool.build", "org_unregistered_hits[1].confidence"]);
    expect(result.document.x_note).toBe(1);
    expect((result.artifact as Record<string, unknown>).x_note).toBe(1);
  });

  it("refuses an oversized file by the size limit before parsing it", () => {
    // Not JSON at all: a parse would fail differently, so this shows the size check came first.
    const big = "[".repeat(4_096);
    const errors = errorsOf(parseArtifact(big, { limits: { maxBytes: 4_000 } }));
    expect(errors).toEqual([
      { path: "", code: "too_large", message: "artifact is 4096 bytes, more than the limit max_bytes (4000 bytes)" },
    ]);
  });

  it("refuses 100,000 levels of nesting by the depth limit without overflowing the stack", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const errors = errorsOf(parseArtifact(deep));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "too_deep", path: "" });
    expect(errors[0]!.message).toContain("max_depth (64)");
  });

  it("ignores brackets inside strings when measuring depth", () => {
    const artifact = makeArtifact({ org_unregistered_hits: [makeHit({ snippet: "[[[[{{{{\\\"[[[[".repeat(20) })] });
    expect(parseArtifact(text(artifact), { limits: { maxDepth: 8 } }).ok).toBe(true);
  });

  it("refuses strings longer than max_string_length, naming the path", () => {
    const artifact = makeArtifact({ x_blob: "y".repeat(3_000) });
    const errors = errorsOf(parseArtifact(text(artifact), { limits: { maxStringLength: 2_048 } }));
    expect(errors[0]).toMatchObject({ path: "x_blob", code: "string_too_long" });
    expect(errors[0]!.message).toContain("max_string_length (2048)");
  });

  it("refuses more hits than max_hits", () => {
    const hits = Array.from({ length: 11 }, (_, i) => makeHit({ line_number: i + 1 }));
    const errors = errorsOf(parseArtifact(text(makeArtifact({ org_unregistered_hits: hits })), { limits: { maxHits: 10 } }));
    expect(errors).toEqual([
      { path: "org_unregistered_hits", code: "too_many_hits", message: "11 hits, more than the limit max_hits (10)" },
    ]);
  });

  it("refuses invalid UTF-8, a non-object document and empty input", () => {
    expect(errorsOf(parseArtifact(new Uint8Array([0x7b, 0xff, 0x7d])))[0]!.code).toBe("invalid_encoding");
    expect(errorsOf(parseArtifact("[1,2]"))[0]!.message).toBe("expected a JSON object at the top level, received array");
    expect(errorsOf(parseArtifact(""))[0]!.code).toBe("invalid_json");
  });

  it("lists many errors but not unboundedly many", () => {
    const hits = Array.from({ length: 500 }, () => makeHit({ line_number: -1 }));
    const errors = errorsOf(parseArtifact(text(makeArtifact({ org_unregistered_hits: hits }))));
    expect(errors).toHaveLength(101);
    expect(errors.at(-1)).toMatchObject({ code: "too_many_errors", message: "400 more schema errors not listed" });
  });

  it("parses 100,000 hits", () => {
    const hits = Array.from({ length: 100_000 }, (_, i) => makeHit({ line_number: i + 1 }));
    const result = parseArtifact(Buffer.from(text(makeArtifact({ org_unregistered_hits: hits }))));
    expect(result.ok && result.artifact.org_unregistered_hits.length).toBe(100_000);
  });

  it("gives a valid artifact exactly as the schema outputs it, with every unknown-field warning (property)", () => {
    const extras = [{}, { x_note: 1 }, { tool: { name: "s", version: "1", build: 7 } }, { source: { repository: "acme/app", sha: "a".repeat(40), extra: true } }, { complete: false }];
    const hitExtras = [{}, {}, { confidence: 0.9 }, { severity: undefined }, { snippet: undefined, rule_id: "R9" }];
    fc.assert(
      fc.property(fc.constantFrom(...extras), fc.array(fc.constantFrom(...hitExtras), { maxLength: 6 }), (extra, hitOverrides) => {
        const document = makeArtifact({ ...extra, org_unregistered_hits: hitOverrides.map((o, i) => makeHit({ line_number: i + 1, ...o })) });
        const json = text(document);
        const result = parseArtifact(json);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const expected = consumerArtifactSchema.parse(JSON.parse(json));
        expect(JSON.stringify(result.artifact)).toBe(JSON.stringify(expected));
        expect(result.warnings).toEqual(findUnknownFields(JSON.parse(json) as Record<string, unknown>));
      }),
      { numRuns: 200 },
    );
  });

  it("finds the same depth, offset and member names as reading one character at a time (property)", () => {
    /** The depth scan's definition: a backslash inside a string escapes the next character; a string followed by a colon is a member name. */
    const reference = (input: string, limit: number) => {
      let depth = 0;
      let maxDepth = 0;
      let members = 0;
      let inString = false;
      for (let i = 0; i < input.length; i++) {
        const c = input[i];
        if (inString) {
          if (c === "\\") i++;
          else if (c === '"') {
            inString = false;
            if (/^[ \t\n\r]*:/.test(input.slice(i + 1))) members++;
          }
        } else if (c === '"') inString = true;
        else if (c === "{" || c === "[") {
          depth++;
          if (depth > limit) return { ok: false, offset: i };
          maxDepth = Math.max(maxDepth, depth);
        } else if (c === "}" || c === "]") depth--;
      }
      return { ok: true, maxDepth, members };
    };
    const chars = fc.constantFrom("[", "]", "{", "}", '"', "\\", "a", ":", " ", "\n");
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (parts, limit) => {
        const input = parts.join("");
        expect(scanJsonDepth(input, limit)).toEqual(reference(input, limit));
      }),
      { numRuns: 5_000 },
    );
  });
});
