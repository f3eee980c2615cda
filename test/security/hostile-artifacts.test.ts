import { Zip, ZipPassThrough, zipSync, type Zippable, type ZippableFile } from "fflate";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { ArtifactError } from "../../src/artifact/artifact-error.js";
import { DEFAULT_ARTIFACT_LIMITS } from "../../src/artifact/artifact-limits.js";
import { checkArtifact, type CheckedArtifact } from "../../src/artifact/check-artifact.js";
import { formatJsonPath } from "../../src/artifact/format-json-path.js";
import { ExitCode } from "../../src/cli/exit-code.js";
import { makeArtifact } from "../artifact/make-artifact.js";
import { runCliInMemory, type CliRun } from "../cli/run-cli-in-memory.js";
import { createAppHarness, OWNER, REPO } from "../support/app-harness.js";
import { recordReliabilityFigures } from "../support/reliability-report.js";
import { zipDirectoryLayout } from "../support/zip-directory-layout.js";

/**
 * Hostile artifacts, generated: a valid artifact (test/artifact/make-artifact.ts) and one
 * mutation of its document, its JSON text, its bytes or its zip archive. Every case goes
 * through the gate the app runs on a downloaded zip (`checkArtifact`) and, when it is JSON,
 * through `audit-digest validate -` in this process. Neither may throw or hang; a hostile case
 * is refused with exit code 2 (or 3) and a message that names the field, the limit or the
 * archive entry; a harmless one (a BOM, odd but well-formed Unicode in free text) is accepted
 * by both alike. No message quotes a value the artifact carried.
 */

const LIMITS = DEFAULT_ARTIFACT_LIMITS;
const ORIGIN = { repository: "acme/scanner", headSha: "0123456789abcdef0123456789abcdef01234567", runId: 42 };
/** Planted in generated values: no message may repeat it. */
const MARK = "HostileMark7Q";
/** Longest a single case may take before it counts as a hang (a hang detector, not a performance goal). */
const CASE_TIMEOUT_MS = 20_000;

interface Expected {
  /** Error codes any of which answers the case. */
  codes: readonly string[];
  /** The JSON path the error must carry, when the problem is at one. */
  path?: string;
  /** Text the message must hold: the limit's name, the entry's name, what is wrong. */
  mention?: string;
}

/** What one scenario measured. */
interface Tally {
  cases: number;
  crashed: number;
  leaked: number;
  wrongAnswers: number;
}
const tallies = new Map<string, Tally>();
function tally(scenario: string): Tally {
  let t = tallies.get(scenario);
  if (!t) tallies.set(scenario, (t = { cases: 0, crashed: 0, leaked: 0, wrongAnswers: 0 }));
  return t;
}

function gate(zip: Uint8Array): CheckedArtifact {
  return checkArtifact({ zip, limits: LIMITS, keys: [], requireSignature: false, origin: ORIGIN, now: new Date() });
}

const zipOf = (bytes: Uint8Array): Uint8Array => zipSync({ "consumer_artifact.json": bytes }, { level: 0 });

async function validate(bytes: Uint8Array): Promise<CliRun> {
  return runCliInMemory(["validate", "-"], { cwd: process.cwd(), env: {}, stdin: bytes });
}

/** Why the errors fail to answer `expected`, or undefined when they do. */
function misanswer(errors: readonly ArtifactError[], expected: Expected): string | undefined {
  if (errors.length === 0) return "no error";
  if (errors.some((e) => e.message.trim() === "")) return "an empty message";
  const matching = errors.filter((e) => expected.codes.includes(e.code));
  if (matching.length === 0) return `codes ${errors.map((e) => e.code).join(", ")}, expected one of ${expected.codes.join(", ")}`;
  if (expected.path !== undefined && !matching.some((e) => e.path === expected.path)) {
    return `paths ${matching.map((e) => JSON.stringify(e.path)).join(", ")}, expected ${JSON.stringify(expected.path)}`;
  }
  if (expected.mention !== undefined && !matching.some((e) => e.message.includes(expected.mention!))) {
    return `messages ${JSON.stringify(matching.map((e) => e.message))} do not mention ${JSON.stringify(expected.mention)}`;
  }
  return undefined;
}

/** Runs the gate on `zip` and judges its answer; a throw counts as a crash. */
function judgeGate(scenario: string, zip: Uint8Array, expected: Expected): string | undefined {
  const t = tally(scenario);
  let result: CheckedArtifact;
  try {
    result = gate(zip);
  } catch (error) {
    t.crashed++;
    return `the gate threw: ${String(error)}`;
  }
  if (result.verdict !== "invalid") {
    t.wrongAnswers++;
    return `the gate answered ${result.verdict}`;
  }
  if (result.errors.some((e) => e.message.includes(MARK) || e.path.includes(MARK))) t.leaked++;
  const wrong = misanswer(result.errors, expected);
  if (wrong !== undefined) t.wrongAnswers++;
  return wrong;
}

/** Runs `validate -` on `bytes` and judges its exit code and what it printed. */
async function judgeCli(scenario: string, bytes: Uint8Array, expected: Expected): Promise<string | undefined> {
  const t = tally(scenario);
  let run: CliRun;
  try {
    run = await validate(bytes);
  } catch (error) {
    t.crashed++;
    return `validate threw: ${String(error)}`;
  }
  if (run.code !== ExitCode.invalid && run.code !== ExitCode.signature) {
    t.crashed++;
    return `validate exited ${run.code}: ${run.stderr}`;
  }
  if (run.stderr.includes(MARK)) t.leaked++;
  const wanted = [expected.path ? `: ${expected.path}: ` : ": error: ", expected.mention ?? ""];
  if (!wanted.every((w) => run.stderr.includes(w))) {
    t.wrongAnswers++;
    return `validate printed ${JSON.stringify(run.stderr.slice(0, 500))}, expected ${JSON.stringify(wanted)}`;
  }
  return undefined;
}

/** A hostile JSON case: refused alike by the gate (zipped) and by the command line. */
async function refusedEverywhere(scenario: string, bytes: Uint8Array, expected: Expected): Promise<void> {
  tally(scenario).cases++;
  const problems = [judgeGate(scenario, zipOf(bytes), expected), await judgeCli(scenario, bytes, expected)].filter(Boolean);
  expect(problems).toEqual([]);
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

// ─── documents and where to hurt them ────────────────────────────────────────────────────────

type Path = Array<string | number>;
type FieldKind = "version" | "string" | "integer" | "array" | "object";
interface Field {
  path: Path;
  kind: FieldKind;
  /** A schema pattern or enum constrains the text (audit_id, repositories, SHAs, dates, severity). */
  constrained?: boolean;
  /** Free text: any well-formed Unicode is accepted (snippets, patterns, names). */
  freeText?: boolean;
}

const HIT_COUNT = (makeArtifact().org_unregistered_hits as unknown[]).length;
const FIELDS: readonly Field[] = [
  { path: ["schema_version"], kind: "version" },
  { path: ["audit_id"], kind: "string", constrained: true },
  { path: ["generated_at"], kind: "string", constrained: true },
  { path: ["tool"], kind: "object" },
  { path: ["tool", "name"], kind: "string", freeText: true },
  { path: ["tool", "version"], kind: "string", freeText: true },
  { path: ["source"], kind: "object" },
  { path: ["source", "repository"], kind: "string", constrained: true },
  { path: ["source", "sha"], kind: "string", constrained: true },
  { path: ["source", "run_id"], kind: "integer" },
  { path: ["org_unregistered_hits"], kind: "array" },
  ...Array.from({ length: HIT_COUNT }, (_, i): Field[] => [
    { path: ["org_unregistered_hits", i], kind: "object" },
    { path: ["org_unregistered_hits", i, "repo"], kind: "string", constrained: true },
    { path: ["org_unregistered_hits", i, "path"], kind: "string" },
    { path: ["org_unregistered_hits", i, "line_number"], kind: "integer" },
    { path: ["org_unregistered_hits", i, "pattern"], kind: "string", freeText: true },
    { path: ["org_unregistered_hits", i, "snippet"], kind: "string", freeText: true },
    { path: ["org_unregistered_hits", i, "severity"], kind: "string", constrained: true },
    { path: ["org_unregistered_hits", i, "rule_id"], kind: "string", freeText: true },
  ]).flat(),
];
const STRING_FIELDS = FIELDS.filter((f) => f.kind === "string");
/** Objects of the document, where a member can be added or repeated. */
const OBJECT_PATHS: readonly Path[] = [[], ["tool"], ["source"], ...Array.from({ length: HIT_COUNT }, (_, i) => ["org_unregistered_hits", i])];

const clone = (): Record<string, unknown> => makeArtifact();

function at(document: unknown, path: Path): unknown {
  let node = document;
  for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
  return node;
}

function setAt(document: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const parent = at(document, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
  return document;
}

/** The document with `placeholder` at `path`, serialised, with the placeholder replaced by raw JSON text. */
function withRawJson(path: Path, raw: string, { pretty = false } = {}): string {
  const placeholder = `@@raw-${MARK}@@`;
  const text = JSON.stringify(setAt(clone(), path, placeholder), null, pretty ? 2 : undefined);
  return text.replace(JSON.stringify(placeholder), () => raw);
}

const currentString = (path: Path): string => {
  const value = at(clone(), path);
  return typeof value === "string" ? value : "text";
};

// ─── generators of hostile JSON ──────────────────────────────────────────────────────────────

interface JsonCase {
  scenario: string;
  bytes: Uint8Array;
  expected: Expected;
  /** What the generator did, for a failing case's report. */
  note: string;
}

const marked = fc.string({ maxLength: 8 }).map((s) => `${s}${MARK}`);
const smallJson = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }));
const wrongValue: Record<FieldKind, fc.Arbitrary<unknown>> = {
  version: fc.oneof(fc.integer().filter((n) => n !== 1), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => n !== 1), marked, fc.constant(null), fc.boolean(), fc.constant([1])),
  string: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(marked, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), marked, { maxKeys: 2 })),
  integer: fc.oneof(marked, fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.integer({ max: 0 }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)), fc.constant(2 ** 53 + 2)),
  array: fc.oneof(marked, fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 })),
  object: fc.oneof(marked, fc.integer(), fc.boolean(), fc.constant(null), fc.array(smallJson, { maxLength: 3 })),
};

const wrongType: fc.Arbitrary<JsonCase> = fc
  .constantFrom(...FIELDS)
  .chain((field) => wrongValue[field.kind].map((value) => ({ field, value })))
  .map(({ field, value }) => ({
    scenario: "wrong types",
    bytes: encode(JSON.stringify(setAt(clone(), field.path, value))),
    expected: { codes: ["schema"], path: formatJsonPath(field.path) },
    note: `${formatJsonPath(field.path)} = ${JSON.stringify(value)}`,
  }));

const hugeString: fc.Arbitrary<JsonCase> = fc.oneof(
  // Longer than max_string_length: refused before the schema looks.
  fc.record({ field: fc.constantFrom(...STRING_FIELDS), extra: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 20_000 })) }).map(({ field, extra }) => ({
    scenario: "huge strings",
    bytes: encode(JSON.stringify(setAt(clone(), field.path, MARK.repeat(Math.ceil((LIMITS.maxStringLength + extra) / MARK.length))))),
    expected: { codes: ["string_too_long"], path: formatJsonPath(field.path), mention: "max_string_length" },
    note: `${formatJsonPath(field.path)} of ${LIMITS.maxStringLength + extra}+ characters`,
  })),
  // A member name longer than max_string_length.
  fc.record({ object: fc.constantFrom(...OBJECT_PATHS), extra: fc.integer({ min: 1, max: 5_000 }) }).map(({ object, extra }) => {
    const document = clone();
    // Paths show member names (cut to 32 characters), so this one carries no mark.
    (at(document, object) as Record<string, unknown>)["k".repeat(LIMITS.maxStringLength + extra)] = 1;
    return {
      scenario: "huge strings",
      bytes: encode(JSON.stringify(document)),
      expected: { codes: ["string_too_long"], mention: "key is" },
      note: `a long member name in ${formatJsonPath(object) || "the root"}`,
    };
  }),
  // Within max_string_length, beyond the field's own bound.
  fc
    .record({
      field: fc.constantFrom(...STRING_FIELDS.filter((f) => !["generated_at", "sha", "severity"].includes(String(f.path[f.path.length - 1])))),
      length: fc.integer({ min: 2_001, max: LIMITS.maxStringLength }),
    })
    .map(({ field, length }) => ({
      scenario: "huge strings",
      bytes: encode(JSON.stringify(setAt(clone(), field.path, "a".repeat(length)))),
      expected: { codes: ["schema"], path: formatJsonPath(field.path) },
      note: `${formatJsonPath(field.path)} of ${length} characters`,
    })),
);

/** `depth` levels of arrays, objects or both, around `0`. */
function nested(depth: number, shape: "array" | "object" | "mixed"): string {
  if (shape === "array") return `${"[".repeat(depth)}0${"]".repeat(depth)}`;
  if (shape === "object") return `${'{"k":'.repeat(depth)}0${"}".repeat(depth)}`;
  const pairs = Math.ceil(depth / 2);
  return `${'[{"k":'.repeat(pairs)}0${"}]".repeat(pairs)}`;
}

const deepNesting: fc.Arbitrary<JsonCase> = fc
  .record({
    place: fc.constantFrom<Path>(["x_nested"], ["tool", "x_nested"], ["org_unregistered_hits", 1, "x_nested"], ["source"], ["org_unregistered_hits", 0]),
    depth: fc.oneof(
      { arbitrary: fc.integer({ min: LIMITS.maxDepth, max: LIMITS.maxDepth + 10 }), weight: 6 },
      { arbitrary: fc.integer({ min: LIMITS.maxDepth, max: 5_000 }), weight: 3 },
      { arbitrary: fc.integer({ min: LIMITS.maxDepth, max: 100_000 }), weight: 1 },
    ),
    shape: fc.constantFrom("array" as const, "object" as const, "mixed" as const),
  })
  .map(({ place, depth, shape }) => ({
    scenario: "deep nesting",
    bytes: encode(withRawJson(place, nested(depth, shape))),
    expected: { codes: ["too_deep"], mention: `max_depth (${LIMITS.maxDepth})` },
    note: `${depth} levels (${shape}) at ${formatJsonPath(place)}`,
  }));

const insertAt = (text: string, at: number, piece: string): string => text.slice(0, at) + piece + text.slice(at);

/** Invisible, bidirectional, control and look-alike characters. */
const TRICKY_CHARACTERS = ["\u202E", "\u202D", "\u2066", "\u2069", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00A0", "\u3000", "\u0301", "\u0430", "\uFF41", "\u2028", "\u0000", "\u0007", "\u001B", "\u007F"];
const CONTROL_CHARACTERS = ["\u0000", "\u0001", "\u0007", "\u0009", "\u000A", "\u000D", "\u001B", "\u001F"];

const hostileUnicode: fc.Arbitrary<JsonCase> = fc.oneof(
  // A surrogate without its pair, in any string.
  fc.record({ field: fc.constantFrom(...STRING_FIELDS), unit: fc.integer({ min: 0xd800, max: 0xdfff }), at: fc.nat() }).map(({ field, unit, at: offset }) => {
    const value = currentString(field.path);
    return {
      scenario: "hostile unicode",
      bytes: encode(JSON.stringify(setAt(clone(), field.path, insertAt(value, offset % (value.length + 1), String.fromCharCode(unit))))),
      expected: { codes: ["invalid_encoding"], path: formatJsonPath(field.path), mention: "surrogate" },
      note: `U+${unit.toString(16)} alone in ${formatJsonPath(field.path)}`,
    };
  }),
  // Invisible, bidirectional or look-alike characters where a pattern or enum constrains the text.
  fc
    .record({ field: fc.constantFrom(...STRING_FIELDS.filter((f) => f.constrained)), char: fc.constantFrom(...TRICKY_CHARACTERS), at: fc.nat() })
    .map(({ field, char, at: offset }) => {
      const value = currentString(field.path);
      return {
        scenario: "hostile unicode",
        bytes: encode(JSON.stringify(setAt(clone(), field.path, insertAt(value, offset % (value.length + 1), char)))),
        expected: { codes: ["schema"], path: formatJsonPath(field.path) },
        note: `U+${char.charCodeAt(0).toString(16)} in ${formatJsonPath(field.path)}`,
      };
    }),
  // Control characters (NUL included) in a hit's path.
  fc.record({ hit: fc.nat({ max: HIT_COUNT - 1 }), char: fc.constantFrom(...CONTROL_CHARACTERS), at: fc.nat() }).map(({ hit, char, at: offset }) => {
    const path = ["org_unregistered_hits", hit, "path"];
    const value = currentString(path);
    return {
      scenario: "hostile unicode",
      bytes: encode(JSON.stringify(setAt(clone(), path, insertAt(value, offset % (value.length + 1), char)))),
      expected: { codes: ["schema"], path: formatJsonPath(path), mention: "control characters" },
      note: `U+${char.charCodeAt(0).toString(16)} in ${formatJsonPath(path)}`,
    };
  }),
  // Bytes that are not UTF-8 inside a string: stray continuation bytes, overlong forms, encoded surrogates, beyond U+10FFFF.
  fc
    .record({
      field: fc.constantFrom(...STRING_FIELDS),
      sequence: fc.constantFrom([0xff], [0xfe], [0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3]),
    })
    .map(({ field, sequence }) => {
      const placeholder = `@@bytes-${MARK}@@`;
      const text = JSON.stringify(setAt(clone(), field.path, `x${placeholder}y`));
      const at = text.indexOf(placeholder);
      const bytes = new Uint8Array([...encode(text.slice(0, at)), ...sequence, ...encode(text.slice(at + placeholder.length))]);
      return {
        scenario: "hostile unicode",
        bytes,
        expected: { codes: ["invalid_encoding"], mention: "UTF-8" },
        note: `bytes ${sequence.map((b) => b.toString(16)).join(" ")} in ${formatJsonPath(field.path)}`,
      };
    }),
);

const duplicateKeys: fc.Arbitrary<JsonCase> = fc
  .record({ object: fc.constantFrom(...OBJECT_PATHS), pick: fc.nat(), value: smallJson, first: fc.boolean(), escape: fc.boolean(), pretty: fc.boolean() })
  .map(({ object, pick, value, first, escape, pretty }) => {
    const document = clone();
    const target = at(document, object) as Record<string, unknown>;
    // Members set to undefined (an absent snippet) are not in the text.
    const names = Object.keys(target).filter((key) => target[key] !== undefined);
    const name = names[pick % names.length]!;
    const placeholder = `dup-${MARK}`;
    const rebuilt = first ? { [placeholder]: value, ...target } : { ...target, [placeholder]: value };
    const root = object.length === 0 ? rebuilt : setAt(document, object, rebuilt);
    // The repeated name, possibly spelled with an escape (\u0061 for "a").
    const spelled = escape ? `"\\u${name.charCodeAt(0).toString(16).padStart(4, "0")}${name.slice(1)}"` : JSON.stringify(name);
    const text = JSON.stringify(root, null, pretty ? 2 : undefined).replace(JSON.stringify(placeholder), () => spelled);
    return {
      scenario: "duplicate keys",
      bytes: encode(text),
      expected: { codes: ["duplicate_key"], path: formatJsonPath([...object, name]), mention: "more than once" },
      note: `${formatJsonPath([...object, name])} twice (${first ? "repeat first" : "repeat last"}${escape ? ", escaped" : ""})`,
    };
  });

/** What other parsers accept and JSON does not: NaN, Infinity, JSON5 and JavaScript spellings. */
const NOT_JSON = ["NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.", "1e", "0x10", "undefined", "'x'", "1_000", "true false", "[1,]", "{\"a\":1,}", "/* c */ 1", "1 // c", "-", "--1", "\"\\x41\"", "\"\\u12\""];
const NUMERIC_FIELDS = FIELDS.filter((f) => f.kind === "integer" || f.kind === "version");

const notJson: fc.Arbitrary<JsonCase> = fc
  .record({ field: fc.constantFrom(...NUMERIC_FIELDS, ...STRING_FIELDS), literal: fc.constantFrom(...NOT_JSON), pretty: fc.boolean() })
  .map(({ field, literal, pretty }) => ({
    scenario: "NaN, Infinity and other non-JSON",
    bytes: encode(withRawJson(field.path, literal, { pretty })),
    expected: { codes: ["invalid_json"], mention: "not valid JSON" },
    note: `${formatJsonPath(field.path)} = ${literal}`,
  }));

/** Offsets just after each `{ } [ ] , :` outside strings: places between two tokens. */
function structuralBoundaries(text: string): number[] {
  const out: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if ("{}[],:".includes(c)) out.push(i + 1);
  }
  return out;
}

const BOM = [0xef, 0xbb, 0xbf];
const byteOrderMarks: fc.Arbitrary<JsonCase> = fc.oneof(
  // Two BOMs, or a BOM after whitespace or between tokens: U+FEFF is not JSON whitespace.
  fc.record({ at: fc.nat(), lead: fc.constantFrom("", " ", "\n") }).map(({ at: offset, lead }) => {
    const text = JSON.stringify(clone());
    const tokenBoundaries = structuralBoundaries(text);
    const cut = tokenBoundaries[offset % tokenBoundaries.length]!;
    const bytes = lead === "" && offset % 2 === 0 ? [...BOM, ...BOM, ...encode(text)] : [...encode(lead + text.slice(0, cut)), ...BOM, ...encode(text.slice(cut))];
    return { scenario: "byte order marks", bytes: new Uint8Array(bytes), expected: { codes: ["invalid_json"], mention: "not valid JSON" }, note: `BOM at ${cut}` };
  }),
  // UTF-16 and UTF-32 with their BOMs: the artifact is UTF-8.
  fc.constantFrom("utf16le", "utf16be", "utf32le").map((encoding) => {
    const text = JSON.stringify(clone());
    const units = [...text].map((c) => c.charCodeAt(0));
    const bytes =
      encoding === "utf16le"
        ? [0xff, 0xfe, ...units.flatMap((u) => [u & 0xff, u >> 8])]
        : encoding === "utf16be"
          ? [0xfe, 0xff, ...units.flatMap((u) => [u >> 8, u & 0xff])]
          : [0xff, 0xfe, 0, 0, ...units.flatMap((u) => [u & 0xff, u >> 8, 0, 0])];
    return { scenario: "byte order marks", bytes: new Uint8Array(bytes), expected: { codes: ["invalid_encoding"], mention: "UTF-8" }, note: encoding };
  }),
);

const truncated: fc.Arbitrary<JsonCase> = fc.record({ at: fc.nat(), pretty: fc.boolean(), unicode: fc.boolean() }).map(({ at: offset, pretty, unicode }) => {
  const document = unicode ? setAt(clone(), ["tool", "name"], "scanner \u00e9\u4e2d\u{1F600}") : clone();
  const bytes = encode(JSON.stringify(document, null, pretty ? 2 : undefined));
  const cut = offset % bytes.byteLength;
  return {
    scenario: "truncated JSON",
    bytes: bytes.subarray(0, cut),
    // A cut inside a multi-byte character leaves bytes that are not UTF-8.
    expected: { codes: ["invalid_json", "invalid_encoding"] },
    note: `cut at byte ${cut} of ${bytes.byteLength}`,
  };
});

const binary: fc.Arbitrary<JsonCase> = fc.oneof(
  fc.uint8Array({ maxLength: 4_096 }).map((bytes) => ({ scenario: "random bytes", bytes, expected: { codes: ["invalid_json", "invalid_encoding", "too_deep", "schema"] }, note: `${bytes.byteLength} random bytes` })),
  fc
    .jsonValue({ maxDepth: 3 })
    .filter((v) => v === null || typeof v !== "object" || Array.isArray(v))
    .map((value) => ({
      scenario: "random bytes",
      bytes: encode(JSON.stringify(value)),
      expected: { codes: ["schema"], path: "", mention: "expected a JSON object at the top level" },
      note: `top level ${JSON.stringify(value).slice(0, 40)}`,
    })),
);

/** A failing case is reported by what was done to it, not by its bytes. */
function described<T extends { scenario: string; note: string }>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return arbitrary.map((c) => Object.assign(c, { [fc.toStringMethod]: () => `${c.scenario}: ${c.note}` }));
}

const hostileJson: fc.Arbitrary<JsonCase> = described(fc.oneof(wrongType, hugeString, deepNesting, hostileUnicode, duplicateKeys, notJson, byteOrderMarks, truncated, binary));

// ─── generators of hostile archives ──────────────────────────────────────────────────────────

interface ZipCase {
  scenario: string;
  zip: Uint8Array;
  expected: Expected;
  note: string;
}

const validJson = (): Uint8Array => encode(JSON.stringify(clone()));
const UNIX = 3;
const withMode = (data: Uint8Array, mode: number): ZippableFile => [data, { os: UNIX, attrs: (mode << 16) >>> 0 }];
const safeSegment = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,15}$/);
/** Other files a producer may upload beside the artifact. */
const companions = fc.dictionary(fc.array(safeSegment, { minLength: 1, maxLength: 3 }).map((s) => s.join("/")), fc.uint8Array({ maxLength: 64 }), { maxKeys: 4 }).map((files) => {
  delete files["consumer_artifact.json"];
  return files;
});

/** The archive's entries in the order given (`zipSync` keeps insertion order). */
function archive(entries: Array<[string, Uint8Array | ZippableFile]>): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, data] of entries) zippable[name] = data;
  return zipSync(zippable, { level: 1 });
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (seed * 31 + i * 17) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** An archive listing `consumer_artifact.json` twice, which `zipSync`'s object cannot. */
function twiceListed(): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    parts.push(data);
  });
  for (let i = 0; i < 2; i++) {
    const file = new ZipPassThrough("consumer_artifact.json");
    zip.add(file);
    file.push(validJson(), true);
  }
  zip.end();
  return Buffer.concat(parts);
}

/**
 * A stored (not deflated) archive whose artifact had one byte changed inside it after it was
 * made: still valid JSON, but no longer what the archive's CRC-32 records.
 */
function alteredAfterZipping(): Uint8Array {
  const zip = zipSync({ "consumer_artifact.json": validJson() }, { level: 0 });
  const at = Buffer.from(zip).indexOf('"audit_id":"') + '"audit_id":"'.length;
  const out = zip.slice();
  out[at] = out[at] === 0x61 ? 0x62 : 0x61;
  return out;
}

/** The archive with the first character of the name its central directory gives entry `index` changed (its own header keeps the name). */
function renamedInDirectory(zip: Uint8Array, index: number): Uint8Array {
  const out = zip.slice();
  const name = zipDirectoryLayout(zip).entry(index) + 46;
  out[name] = out[name] === 0x78 ? 0x79 : 0x78;
  return out;
}

/** Sets the uncompressed size the local header of entry `index` declares. */
function declareSize(zip: Uint8Array, index: number, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  let offset = 0;
  for (let i = 0; i < index; i++) offset += 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true) + view.getUint32(offset + 18, true);
  view.setUint32(offset + 22, size, true);
  return out;
}

/** Where the first entry's compressed data ends. */
function firstEntryEnd(zip: Uint8Array): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  return 30 + view.getUint16(26, true) + view.getUint16(28, true) + view.getUint32(18, true);
}

// Zip bombs are built once: deflating megabytes per case would only measure zlib.
const bombs = [1.25, 4].map((megabytes) => {
  const text = JSON.stringify(clone());
  const padded = new Uint8Array(megabytes * 1024 * 1024).fill(0x20);
  padded.set(encode(text));
  return { megabytes, zip: zipSync({ "consumer_artifact.json": padded }, { level: 9 }) };
});

const UNSAFE_NAMES: Array<(s: string) => string> = [
  (s) => `../${s}`,
  (s) => `${s}/../../${s}`,
  (s) => `./../${s}`,
  () => "../consumer_artifact.json",
  () => "..",
  (s) => `/${s}`,
  (s) => `/etc/${s}`,
  () => "/consumer_artifact.json",
  (s) => `C:\\${s}`,
  (s) => `c:/${s}`,
  (s) => `D:${s}`,
  (s) => `${s}\\..\\${s}`,
  (s) => `\\\\server\\share\\${s}`,
  (s) => `${s}\u0000.json`,
  (s) => `${s}\n`,
  (s) => `${s}\u007f`,
  () => "",
];

/** Zip bombs that really inflate (over a megabyte each) and archives of a thousand entries cost more: fewer of them. */
const costlyZip: fc.Arbitrary<ZipCase> = fc.oneof(
  fc.constantFrom(...bombs).map((bomb) => ({
    scenario: "zip bombs",
    zip: bomb.zip,
    expected: { codes: ["zip_ratio"], mention: `max_compression_ratio (${LIMITS.maxCompressionRatio}:1)` },
    note: `${bomb.megabytes} MB of JSON in ${bomb.zip.byteLength} bytes`,
  })),
  fc.record({ extra: fc.integer({ min: 1, max: 300 }), artifactFirst: fc.boolean() }).map(({ extra, artifactFirst }) => {
    const many: Array<[string, Uint8Array]> = Array.from({ length: LIMITS.maxZipEntries + extra - 1 }, (_, i) => [`f/${i}`, new Uint8Array(0)]);
    const entries: Array<[string, Uint8Array]> = artifactFirst ? [["consumer_artifact.json", validJson()], ...many] : [...many, ["consumer_artifact.json", validJson()]];
    return {
      scenario: "zip bombs",
      zip: zipSync(Object.fromEntries(entries), { level: 0 }),
      expected: { codes: ["zip_too_many_entries"], mention: `max_zip_entries (${LIMITS.maxZipEntries})` },
      note: `${LIMITS.maxZipEntries + extra} entries`,
    };
  }),
);

const cheapZip: fc.Arbitrary<ZipCase> = fc.oneof(
  fc.record({ size: fc.integer({ min: LIMITS.maxBytes + 1, max: 0xffffffff }), level: fc.constantFrom(0, 6) }).map(({ size, level }) => ({
    scenario: "zip bombs",
    zip: declareSize(zipSync({ "consumer_artifact.json": validJson() }, { level }), 0, size),
    expected: { codes: ["too_large"], mention: "max_bytes" },
    note: `the artifact declares ${size} bytes`,
  })),
  fc.record({ size: fc.integer({ min: LIMITS.maxUncompressedBytes + 1, max: 0xffffffff }), others: companions }).map(({ size, others }) => ({
    scenario: "zip bombs",
    zip: declareSize(archive([["padding.bin", new Uint8Array(16)], ...Object.entries(others), ["consumer_artifact.json", validJson()]]), 0, size),
    expected: { codes: ["zip_uncompressed_too_large"], mention: "max_uncompressed_bytes" },
    note: `another entry declares ${size} bytes`,
  })),
  fc.record({ name: fc.constantFrom(...UNSAFE_NAMES), segment: safeSegment, others: companions, seed: fc.nat() }).map(({ name, segment, others, seed }) => {
    const unsafe = name(segment);
    const entries = shuffled<[string, Uint8Array]>([[unsafe, encode("x")], ...Object.entries(others)], seed);
    return {
      scenario: "unsafe entry names",
      zip: archive([...entries, ["consumer_artifact.json", validJson()]]),
      expected: { codes: ["zip_unsafe_entry"], mention: `archive entry ${JSON.stringify(unsafe)} is refused` },
      note: `entry ${JSON.stringify(unsafe)}`,
    };
  }),
  fc.record({ artifactIsLink: fc.boolean(), segment: safeSegment, target: fc.constantFrom("/etc/passwd", "../../.ssh/id_rsa", "consumer_artifact.json", "/proc/self/environ"), others: companions }).map(
    ({ artifactIsLink, segment, target, others }) => {
      const name = artifactIsLink ? "consumer_artifact.json" : `links/${segment}`;
      const entries: Array<[string, Uint8Array | ZippableFile]> = [...Object.entries(others), [name, withMode(encode(target), 0o120777)]];
      if (!artifactIsLink) entries.push(["consumer_artifact.json", withMode(validJson(), 0o100644)]);
      return {
        scenario: "symlinks",
        zip: archive(entries),
        expected: { codes: ["zip_unsafe_entry"], mention: `archive entry ${JSON.stringify(name)} is refused: symbolic link` },
        note: `${name} -> ${target}`,
      };
    },
  ),
  fc.record({ dirs: fc.array(safeSegment, { minLength: 1, maxLength: 20 }), others: companions }).map(({ dirs, others }) => ({
    scenario: "missing or misplaced artifact",
    zip: archive([...Object.entries(others), [`${dirs.join("/")}/consumer_artifact.json`, validJson()]]),
    expected: { codes: ["zip_missing_artifact"], mention: "no consumer_artifact.json at its root" },
    note: `only ${dirs.join("/")}/consumer_artifact.json`,
  })),
  fc.record({ others: companions, spelling: fc.constantFrom("Consumer_Artifact.json", "consumer_artifact.json ", "consumer-artifact.json", "consumer_artifact.JSON", "consumer_artifact.json/") }).map(({ others, spelling }) => ({
    scenario: "missing or misplaced artifact",
    zip: archive([...Object.entries(others), ...(spelling.endsWith("/") ? [] : [[spelling, validJson()] as [string, Uint8Array]])]),
    expected: { codes: ["zip_missing_artifact"], mention: "no consumer_artifact.json at its root" },
    note: spelling.endsWith("/") ? "no artifact" : `only ${JSON.stringify(spelling)}`,
  })),
  fc.constant({ scenario: "missing or misplaced artifact", zip: twiceListed(), expected: { codes: ["zip_duplicate_artifact"], mention: "more than once" }, note: "consumer_artifact.json twice" }),
  fc.record({ others: companions, which: fc.nat() }).map(({ others, which }) => {
    const entries: Array<[string, Uint8Array]> = [...Object.entries(others), ["consumer_artifact.json", validJson()]];
    const index = which % entries.length;
    return {
      scenario: "archives their central directory contradicts",
      zip: renamedInDirectory(archive(entries), index),
      expected: { codes: ["zip_invalid"], mention: `archive entry ${index + 1} is ${JSON.stringify(entries[index]![0])} but its central directory lists` },
      note: `entry ${index + 1} of ${entries.length} renamed in the directory`,
    };
  }),
  fc.record({ others: companions, at: fc.nat() }).map(({ others, at: offset }) => {
    const zip = archive([...Object.entries(others), ["consumer_artifact.json", validJson()]]);
    const { start } = zipDirectoryLayout(zip);
    const cut = start + (offset % (zip.byteLength - start));
    return {
      scenario: "archives their central directory contradicts",
      zip: zip.subarray(0, cut),
      expected: { codes: ["zip_invalid"], mention: "archive has no readable central directory" },
      note: `cut at byte ${cut} of ${zip.byteLength}, inside the central directory`,
    };
  }),
  fc.record({ at: fc.nat(), level: fc.constantFrom(0, 6) }).map(({ at: offset, level }) => {
    const zip = zipSync({ "consumer_artifact.json": validJson() }, { level });
    const cut = offset % firstEntryEnd(zip);
    return {
      scenario: "truncated or random archives",
      zip: zip.subarray(0, cut),
      expected: { codes: ["zip_invalid", "zip_missing_artifact"] },
      note: `cut at byte ${cut} of ${zip.byteLength}`,
    };
  }),
  fc.oneof(fc.uint8Array({ maxLength: 2_048 }), fc.uint8Array({ maxLength: 2_048 }).map((b) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...b]))).map((zip) => ({
    scenario: "truncated or random archives",
    zip,
    expected: { codes: ["zip_invalid", "zip_missing_artifact", "zip_too_many_entries", "zip_unsafe_entry", "zip_uncompressed_too_large", "too_large"] },
    note: `${zip.byteLength} random bytes`,
  })),
);

const hostileZip: fc.Arbitrary<ZipCase> = described(fc.oneof({ arbitrary: costlyZip, weight: 1 }, { arbitrary: cheapZip, weight: 12 }));

// ─── the properties ──────────────────────────────────────────────────────────────────────────

const HARMLESS = "harmless oddities";
const RUNS = { hostileJson: 4_000, harmless: 1_000, hostileZip: 5_000 };

afterAll(() => {
  for (const [scenario, t] of tallies) {
    recordReliabilityFigures({
      scenario: `Hostile artifacts: ${scenario}`,
      tried:
        scenario === HARMLESS
          ? "generated artifacts with a harmless oddity each (a BOM, well-formed Unicode in free text), to be accepted alike by the app's gate on the zip and `audit-digest validate -`"
          : "generated artifacts with one hostile mutation each, through the app's gate on the zip and, for JSON, `audit-digest validate -`",
      cases: t.cases,
      lost: 0,
      duplicated: 0,
      leaked: t.leaked,
      crashed: t.crashed,
      notes: `${t.wrongAnswers} answers that did not name the problem`,
    });
  }
});

describe("hostile artifacts", () => {
  it(`refuses ${RUNS.hostileJson} hostile JSON documents in the gate and the command line, naming the problem`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileJson, async ({ scenario, bytes, expected }) => {
        await refusedEverywhere(scenario, bytes, expected);
      }),
      { numRuns: RUNS.hostileJson, timeout: CASE_TIMEOUT_MS, markInterruptAsFailure: true },
    );
    const measured = [...tallies].map(([scenario, t]) => ({ scenario, crashed: t.crashed, leaked: t.leaked }));
    expect(measured.length).toBeGreaterThanOrEqual(9);
    expect(measured).toEqual(measured.map(({ scenario }) => ({ scenario, crashed: 0, leaked: 0 })));
  });

  it(`accepts ${RUNS.harmless} documents whose oddities are harmless (a BOM, well-formed Unicode in free text) alike in the gate and the command line`, async () => {
    const scenario = HARMLESS;
    const freeText = STRING_FIELDS.filter((f) => f.freeText);
    const odd = fc.oneof(
      fc.constantFrom(...TRICKY_CHARACTERS),
      fc.constantFrom("\u{1F600}", "\u{10FFFF}", "e\u0301", "\u05D0\u05D1", "\u0645\u0631\u062D\u0628\u0627", "\uFFFD", "\uFFFF"),
      fc.string({ unit: "grapheme", maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.record({ field: fc.constantFrom(...freeText), pieces: fc.array(odd, { minLength: 1, maxLength: 4 }), bom: fc.boolean() }), async ({ field, pieces, bom }) => {
        const t = tally(scenario);
        t.cases++;
        const value = `${currentString(field.path)}${pieces.join("")}`;
        const text = JSON.stringify(setAt(clone(), field.path, value));
        const bytes = new Uint8Array([...(bom ? BOM : []), ...encode(text)]);
        let result: CheckedArtifact;
        let run: CliRun;
        try {
          result = gate(zipOf(bytes));
          run = await validate(bytes);
        } catch (error) {
          t.crashed++;
          throw error;
        }
        if (result.verdict !== "valid" || run.code !== ExitCode.ok) t.wrongAnswers++;
        expect({ verdict: result.verdict, code: run.code }).toEqual({ verdict: "valid", code: ExitCode.ok });
        expect(result.verdict === "valid" && at(result.artifact, field.path)).toBe(value);
      }),
      { numRuns: RUNS.harmless, timeout: CASE_TIMEOUT_MS, markInterruptAsFailure: true },
    );
    expect(tally(scenario).crashed).toBe(0);
  });

  it(`refuses ${RUNS.hostileZip} hostile archives (bombs, unsafe names, symlinks, missing, contradicted by their directory, truncated, random) and names the limit or the entry`, async () => {
    await fc.assert(
      fc.asyncProperty(hostileZip, async ({ scenario, zip, expected, note }) => {
        tally(scenario).cases++;
        await Promise.resolve();
        expect(judgeGate(scenario, zip, expected), note).toBeUndefined();
      }),
      { numRuns: RUNS.hostileZip, timeout: CASE_TIMEOUT_MS, markInterruptAsFailure: true },
    );
    const zipScenarios = ["zip bombs", "unsafe entry names", "symlinks", "missing or misplaced artifact", "archives their central directory contradicts", "truncated or random archives"];
    expect(zipScenarios.map((s) => tally(s).crashed)).toEqual(zipScenarios.map(() => 0));
    expect(zipScenarios.map((s) => tally(s).cases).every((n) => n > 0)).toBe(true);
  });

  it("refuses an archive larger than max_zip_bytes before reading it", () => {
    const oversized = new Uint8Array(LIMITS.maxZipBytes + 1);
    oversized.set([0x50, 0x4b, 0x03, 0x04]);
    const result = gate(oversized);
    expect(result.verdict === "invalid" && result.errors).toEqual([
      { path: "", code: "zip_too_large", message: `archive is ${LIMITS.maxZipBytes + 1} bytes, more than the limit max_zip_bytes (${LIMITS.maxZipBytes} bytes)` },
    ]);
  });
});

describe("hostile artifacts uploaded to a run", () => {
  const HOME = `${OWNER}/${REPO}`;
  const cases: Array<{ name: string; zip: () => Uint8Array; says: string }> = [
    { name: "a zip bomb", zip: () => bombs[1]!.zip, says: "max_compression_ratio" },
    { name: "a path traversal entry", zip: () => archive([["../../etc/cron.d/x", encode("x")], ["consumer_artifact.json", validJson()]]), says: 'archive entry "../../etc/cron.d/x" is refused' },
    { name: "a symbolic link as the artifact", zip: () => archive([["consumer_artifact.json", withMode(encode("/etc/passwd"), 0o120777)]]), says: "is refused: symbolic link" },
    { name: "too many entries", zip: () => zipSync(Object.fromEntries(Array.from({ length: LIMITS.maxZipEntries + 1 }, (_, i) => [`f/${i}`, new Uint8Array(0)])), { level: 0 }), says: "max_zip_entries" },
    { name: "nesting beyond max_depth", zip: () => zipOf(encode(withRawJson(["x_nested"], nested(5_000, "mixed")))), says: "max_depth (64)" },
    { name: "a repeated member name", zip: () => zipOf(encode(JSON.stringify(clone()).replace('"audit_id":', '"audit_id":"other","audit_id":'))), says: "`audit_id` member name appears more than once" },
    { name: "an unpaired surrogate in a path", zip: () => zipOf(encode(JSON.stringify(setAt(clone(), ["org_unregistered_hits", 0, "path"], "src/\uD800.ts")))), says: "`org_unregistered_hits[0].path` string holds an unpaired UTF-16 surrogate" },
    { name: "no artifact at the root", zip: () => archive([["out/consumer_artifact.json", validJson()]]), says: "has no consumer_artifact.json at its root" },
    { name: "an artifact altered inside its archive", zip: alteredAfterZipping, says: "does not match the CRC-32 its archive records" },
  ];

  it("fail the check run with a message naming the problem, each of them", async () => {
    const harness = await createAppHarness();
    let crashed = 0;
    let unnamed = 0;
    try {
      for (const [i, c] of cases.entries()) {
        const headSha = (i + 1).toString(16).padStart(40, "0");
        const run = harness.sim.createWorkflowRun({ repo: HOME, headSha, artifacts: [{ name: "consumer-artifact", zip: c.zip() }] });
        try {
          await harness.runJob("ingest-workflow-run", { owner: OWNER, repo: REPO, runId: run.id, runAttempt: 1, headSha, fromFork: false });
        } catch {
          crashed++;
        }
        const checks = harness.sim.checkRuns(HOME, { headSha, name: "Audit ingest gate" });
        expect(checks.map((check) => [check.status, check.conclusion]), c.name).toEqual([["completed", "failure"]]);
        const summary = checks[0]!.output.summary ?? "";
        if (!summary.includes(c.says)) unnamed++;
        expect(summary, c.name).toContain(c.says);
      }
      expect(harness.sim.issues(HOME)).toEqual([]);
      harness.sim.assertNoViolations();
    } finally {
      recordReliabilityFigures({
        scenario: "Hostile artifacts uploaded to a run",
        tried: "hostile zips as a workflow run's artifact, ingested by the app against the GitHub simulator",
        cases: cases.length,
        lost: 0,
        duplicated: 0,
        leaked: 0,
        crashed,
        notes: `${unnamed} check runs whose summary did not name the problem`,
      });
      await harness.close();
    }
    expect(crashed).toBe(0);
  });
});
