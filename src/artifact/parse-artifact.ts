import { z } from "zod";
import type { ArtifactError, ArtifactWarning } from "./artifact-error.js";
import type { ArtifactLimits } from "./artifact-limits.js";
import { resolveArtifactLimits } from "./artifact-limits.js";
import type { ConsumerArtifact } from "./consumer-artifact-schema.js";
import { consumerArtifactSchema } from "./consumer-artifact-schema.js";
import { countObjectMembers } from "./count-object-members.js";
import { findDuplicateKey } from "./find-duplicate-key.js";
import { findLongStrings, hasLongStrings } from "./find-long-strings.js";
import { findLoneSurrogate, loneSurrogatePath } from "./find-lone-surrogate.js";
import { findUnknownFields } from "./find-unknown-fields.js";
import { quickCheckHits } from "./quick-check-hits.js";
import { scanJsonDepth } from "./scan-json-depth.js";
import { SplitArtifactParser, type SplitDocument } from "./split-artifact-parser.js";
import { zodIssuesToErrors } from "./zod-issues-to-errors.js";

export type ParseArtifactResult =
  | {
      ok: true;
      /** The validated artifact, with defaults applied. */
      artifact: ConsumerArtifact;
      /** The document exactly as parsed (no defaults added); signatures are computed over this. */
      document: Record<string, unknown>;
      warnings: ArtifactWarning[];
    }
  | { ok: false; errors: ArtifactError[] };

export interface ParseArtifactOptions {
  readonly limits?: Partial<ArtifactLimits>;
  /** Most errors listed before the rest are summarised (default 100). */
  readonly maxErrors?: number;
}

const fail = (error: ArtifactError): ParseArtifactResult => ({ ok: false, errors: [error] });

function decode(input: Uint8Array | string): string | undefined {
  if (typeof input === "string") return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  try {
    // TextDecoder drops a leading BOM by default.
    return new TextDecoder("utf-8", { fatal: true }).decode(input);
  } catch {
    return undefined;
  }
}

/** Describes a JSON syntax error by position only: the engine's message may quote the input. */
function describeSyntaxError(error: unknown, text: string): string {
  const raw = error instanceof Error ? error.message : "";
  const position = /at position (\d+)/.exec(raw)?.[1];
  let reason = "invalid syntax";
  if (/Unexpected end of JSON input/i.test(raw)) reason = "unexpected end of input";
  else if (/Unterminated string/i.test(raw)) reason = "unterminated string";
  else if (/Bad control character/i.test(raw)) reason = "control character in string";
  else if (/Bad (Unicode )?escape/i.test(raw)) reason = "invalid escape in string";
  else if (/Unexpected non-whitespace character after JSON/i.test(raw)) reason = "unexpected data after the JSON value";
  else if (/Expected/.test(raw)) reason = raw.replace(/ in JSON at position \d+.*$/s, "").replace(/[^\x20-\x7e]/g, "?");
  else if (/Unexpected token/i.test(raw)) reason = "unexpected character";
  if (position === undefined) return `not valid JSON: ${reason}`;
  const offset = Number(position);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `not valid JSON: ${reason} at line ${line}, column ${column}`;
}

/** The artifact's schema with the hits left to `quickCheckHits`. */
const envelopeSchema = consumerArtifactSchema.extend({ org_unregistered_hits: z.array(z.unknown()) });

/**
 * The result for a document with no long string, not too many hits and no schema error, or
 * `undefined` when the document is not surely such, and the full checks must say what is wrong.
 * Hits are checked by hand (the schema is slow on 100,000 of them); the rest by the schema.
 */
function quickParse(record: Record<string, unknown>, limits: ArtifactLimits): ParseArtifactResult | undefined {
  const hits = record.org_unregistered_hits;
  if (!Array.isArray(hits) || hits.length > limits.maxHits) return undefined;
  for (const key in record) {
    if (key.length > limits.maxStringLength) return undefined;
    if (key !== "org_unregistered_hits" && hasLongStrings(record[key], limits.maxStringLength)) return undefined;
  }
  const checked = quickCheckHits(hits, limits.maxStringLength);
  if (checked === undefined) return undefined;
  const envelope = envelopeSchema.safeParse({ ...record, org_unregistered_hits: [] });
  if (!envelope.success) return undefined;
  const artifact: ConsumerArtifact = { ...envelope.data, org_unregistered_hits: checked.hits };
  return { ok: true, artifact, document: record, warnings: findUnknownFields(record, { hitsKnown: !checked.unknownFields }) };
}

/** Bytes decoded at a time when a whole file is split-parsed: the text of one piece dies young. */
const SPLIT_PIECE_BYTES = 64 * 1024;

/**
 * Parses and validates a consumer artifact. Size and nesting depth are checked
 * before `JSON.parse` runs, string lengths and hit count before schema validation.
 * Never throws on bad input: every problem is an error with a JSON path.
 *
 * A valid file is read by `SplitArtifactParser`, one hit at a time, so its whole text and the
 * tree of a whole-text parse are never held beside each other; a file it declines is read
 * whole, which names every problem with its path and position.
 */
export function parseArtifact(input: Uint8Array | string, options: ParseArtifactOptions = {}): ParseArtifactResult {
  const limits = resolveArtifactLimits(options.limits);
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (size > limits.maxBytes) {
    return fail({
      path: "",
      code: "too_large",
      message: `artifact is ${size} bytes, more than the limit max_bytes (${limits.maxBytes} bytes)`,
    });
  }
  const split = new SplitArtifactParser(limits);
  if (typeof input === "string") split.pushText(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
  else for (let at = 0; at < input.byteLength; at += SPLIT_PIECE_BYTES) split.pushBytes(input.subarray(at, at + SPLIT_PIECE_BYTES));
  return parseSplitArtifact(split.end(), options) ?? parseWholeText(input, limits, options.maxErrors ?? 100);
}

/**
 * The result for a document `SplitArtifactParser` read (the same as `parseArtifact` gives for
 * its text), or `undefined` when there is none or some object repeats a member name: then the
 * caller parses the whole text, which names the first repeated name's path.
 */
export function parseSplitArtifact(split: SplitDocument | undefined, options: ParseArtifactOptions = {}): ParseArtifactResult | undefined {
  if (split === undefined) return undefined;
  const record = split.document;
  if (countObjectMembers(record) !== split.members) return undefined;
  const loneSurrogate = split.surrogateEscape ? loneSurrogatePath(record) : undefined;
  return validateDocument(record, loneSurrogate, resolveArtifactLimits(options.limits), options.maxErrors ?? 100);
}

/** The whole text decoded, depth-scanned and parsed at once: every error with its position. */
function parseWholeText(input: Uint8Array | string, limits: ArtifactLimits, maxErrors: number): ParseArtifactResult {
  const text = decode(input);
  if (text === undefined) return fail({ path: "", code: "invalid_encoding", message: "artifact is not valid UTF-8" });

  const depth = scanJsonDepth(text, limits.maxDepth);
  if (!depth.ok) {
    return fail({
      path: "",
      code: "too_deep",
      message: `nesting is deeper than the limit max_depth (${limits.maxDepth}) at character ${depth.offset}`,
    });
  }

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return fail({ path: "", code: "invalid_json", message: describeSyntaxError(error, text) });
  }

  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    const kind = document === null ? "null" : Array.isArray(document) ? "array" : typeof document;
    return fail({ path: "", code: "schema", message: `expected a JSON object at the top level, received ${kind}` });
  }
  const record = document as Record<string, unknown>;

  // A repeated name leaves the parsed objects with fewer members than the text has names; only
  // then is the text read again for the path of the first one.
  const duplicate = countObjectMembers(record) === depth.members ? undefined : findDuplicateKey(text);
  if (duplicate !== undefined) {
    return fail({ path: duplicate, code: "duplicate_key", message: "member name appears more than once in the same object" });
  }
  return validateDocument(record, findLoneSurrogate(text, record), limits, maxErrors);
}

/**
 * The checks of a parsed document that need no text: a string holding an unpaired surrogate
 * (found by the caller), then string lengths, hit count, schema and unknown fields.
 */
function validateDocument(record: Record<string, unknown>, loneSurrogate: string | undefined, limits: ArtifactLimits, maxErrors: number): ParseArtifactResult {
  if (loneSurrogate !== undefined) {
    return fail({ path: loneSurrogate, code: "invalid_encoding", message: "string holds an unpaired UTF-16 surrogate (a \\uD800–\\uDFFF escape without its pair)" });
  }

  const quick = quickParse(record, limits);
  if (quick !== undefined) return quick;

  const longStrings = findLongStrings(record, limits.maxStringLength, maxErrors);
  if (longStrings.length > 0) return { ok: false, errors: longStrings };

  const hits = record.org_unregistered_hits;
  if (Array.isArray(hits) && hits.length > limits.maxHits) {
    return fail({
      path: "org_unregistered_hits",
      code: "too_many_hits",
      message: `${hits.length} hits, more than the limit max_hits (${limits.maxHits})`,
    });
  }

  const parsed = consumerArtifactSchema.safeParse(record);
  if (!parsed.success) return { ok: false, errors: zodIssuesToErrors(parsed.error.issues, record, maxErrors) };

  return { ok: true, artifact: parsed.data, document: record, warnings: findUnknownFields(record) };
}
