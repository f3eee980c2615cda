import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanJsonDepth } from "../../src/artifact/scan-json-depth.js";
import { SplitArtifactParser, type SplitDocument } from "../../src/artifact/split-artifact-parser.js";

const LIMITS = { maxBytes: 50 * 1024 * 1024, maxDepth: 64 };

/** Feeds `bytes` to a fresh parser in pieces that end at `cuts` (sorted offsets), and ends it. */
function splitParse(bytes: Uint8Array, cuts: readonly number[] = [], limits = LIMITS): SplitDocument | undefined {
  const parser = new SplitArtifactParser(limits);
  let from = 0;
  for (const cut of [...cuts, bytes.byteLength]) {
    if (cut <= from) continue;
    parser.pushBytes(bytes.subarray(from, cut));
    from = cut;
  }
  return parser.end();
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** What JSON.parse gives for the text, or undefined when it throws. */
function jsonParse(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** Strings that exercise the scan: quotes, backslash runs, brackets, commas and colons, multi-byte characters, escaped surrogates. */
const trickyString = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom('"', "\\", "[", "]", "{", "}", ",", ":", " ", "é", "😀", "\ud800", "org_unregistered_hits", "a") }),
);

const trickyValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, fc.jsonValue({ maxDepth: 2 }), trickyString, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(trickyString, tie("value"), { maxKeys: 4 }),
})).value;

/** A document shaped like an artifact: an envelope of any members around a hits array of any values. */
const artifactLike = fc.record({
  before: fc.dictionary(trickyString, trickyValue, { maxKeys: 3 }),
  hits: fc.array(trickyValue, { maxLength: 12 }),
  after: fc.dictionary(trickyString, trickyValue, { maxKeys: 3 }),
});

/** Serialises with any indentation (JSON.stringify's, or none), and any line ending. */
const serialised = fc
  .tuple(artifactLike, fc.constantFrom(undefined, 1, "\t", " \r\n "), fc.boolean())
  .map(([{ before, hits, after }, indent, hitsFirst]) => {
    const document = hitsFirst ? { org_unregistered_hits: hits, ...before, ...after } : { ...before, org_unregistered_hits: hits, ...after };
    return JSON.stringify(document, null, indent);
  });

const cutsFor = (length: number) => fc.uniqueArray(fc.nat({ max: Math.max(0, length) }), { maxLength: 12 }).map((cuts) => cuts.sort((a, b) => a - b));

describe("SplitArtifactParser", () => {
  it("gives JSON.parse's value and the depth scan's member count for any artifact-shaped document, cut anywhere (property)", () => {
    fc.assert(
      fc.property(
        serialised.chain((text) => fc.tuple(fc.constant(text), cutsFor(encode(text).byteLength))),
        ([text, cuts]) => {
          const split = splitParse(encode(text), cuts);
          const depth = scanJsonDepth(text, LIMITS.maxDepth);
          if (!depth.ok) {
            expect(split).toBeUndefined();
            return;
          }
          expect(split).toBeDefined();
          expect(split!.document).toEqual(JSON.parse(text));
          expect(split!.members).toBe(depth.members);
          expect(split!.surrogateEscape).toBe(/\\u[dD][89a-fA-F]/.test(text));
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("never accepts text JSON.parse refuses, and gives its value for any it accepts: one character changed, added or removed (property)", () => {
    const edited = serialised.chain((text) =>
      fc.tuple(
        fc.constant(text),
        fc.nat({ max: text.length }),
        fc.constantFrom("", '"', "\\", "[", "]", "{", "}", ",", ":", " ", "1", "x", "\u0001"),
        fc.constantFrom(0, 1),
      ),
    ).map(([text, at, insert, remove]) => text.slice(0, at) + insert + text.slice(at + remove));
    fc.assert(
      fc.property(
        edited.chain((text) => fc.tuple(fc.constant(text), cutsFor(encode(text).byteLength))),
        ([text, cuts]) => {
          const bytes = encode(text);
          const split = splitParse(bytes, cuts);
          // An edit between the halves of a surrogate pair leaves lone ones, which UTF-8 cannot hold.
          const parsed = jsonParse(new TextDecoder().decode(bytes));
          if (parsed === undefined) expect(split).toBeUndefined();
          else if (split !== undefined) expect(split.document).toEqual(parsed.value);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it("reads a document cut at every byte, with escapes, quotes and multi-byte characters at the cuts", () => {
    const text = JSON.stringify({
      "org_unregistered_hits\\": 1,
      audit_id: 'a\\"b',
      org_unregistered_hits: [{ snippet: '\\\\"],{"x":[' }, "é😀\\", [["\\u0022"]], 7, null],
      tail: { "org_unregistered_hits": [] },
    });
    const bytes = encode(text);
    for (let cut = 0; cut <= bytes.byteLength; cut++) {
      const split = splitParse(bytes, [cut]);
      expect(split?.document, `cut at ${cut}`).toEqual(JSON.parse(text));
      for (let second = cut + 1; second <= Math.min(bytes.byteLength, cut + 3); second++) {
        expect(splitParse(bytes, [cut, second])?.document, `cut at ${cut} and ${second}`).toEqual(JSON.parse(text));
      }
    }
  });

  it("parses a large hits array in batches into the same hits", () => {
    const hits = Array.from({ length: 20_000 }, (_, i) => ({ repo: "acme/web", path: `src/f${i}.ts`, line_number: i + 1, pattern: "p", snippet: i % 7 === 0 ? `x],["{",${i}` : `use(${i})` }));
    const text = JSON.stringify({ schema_version: 1, org_unregistered_hits: hits, audit_id: "a" });
    const bytes = encode(text);
    const cuts = Array.from({ length: Math.floor(bytes.byteLength / 4093) }, (_, i) => (i + 1) * 4093);
    expect(splitParse(bytes, cuts)?.document).toEqual(JSON.parse(text));
  });

  it("refuses what the whole-text checks must name: bad UTF-8, too deep, too large, no object at the top, trailing commas", () => {
    expect(splitParse(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toBeUndefined();
    expect(splitParse(encode('{"a":"\u00e9"}').subarray(0, 7))).toBeUndefined();
    const deep = `{"org_unregistered_hits":[${"[".repeat(70)}${"]".repeat(70)}]}`;
    expect(splitParse(encode(deep))).toBeUndefined();
    expect(splitParse(encode(deep), [], { ...LIMITS, maxDepth: 80 })?.document).toEqual(JSON.parse(deep));
    expect(splitParse(encode('{"a":"12345"}'), [], { ...LIMITS, maxBytes: 8 })).toBeUndefined();
    for (const text of ["[1]", '"x"', "", "  ", '{"org_unregistered_hits":[1,]}', '{"org_unregistered_hits":[,1]}', '{"org_unregistered_hits":[1,,2]}', '{"org_unregistered_hits":[1 2]}', '{"org_unregistered_hits":[}]}', '{"a":1}}']) {
      expect(splitParse(encode(text)), text).toBeUndefined();
    }
  });

  it("refuses a trailing comma after a batch of hits was parsed at an earlier comma", () => {
    const large = JSON.stringify({ snippet: "x".repeat(40_000) });
    expect(splitParse(encode(`{"org_unregistered_hits":[${large},]}`))).toBeUndefined();
    expect(splitParse(encode(`{"org_unregistered_hits":[${large}, ]}`), [40_010])).toBeUndefined();
    expect(splitParse(encode(`{"org_unregistered_hits":[${large},,1]}`))).toBeUndefined();
    const valid = `{"org_unregistered_hits":[${large},${large},1]}`;
    expect(splitParse(encode(valid), [40_010])?.document).toEqual(JSON.parse(valid));
  });

  it("drops a leading BOM as decoding the whole file does", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode('{"org_unregistered_hits":[{"a":1}]}')]);
    expect(splitParse(bytes, [1, 2, 3])?.document).toEqual({ org_unregistered_hits: [{ a: 1 }] });
  });
});
