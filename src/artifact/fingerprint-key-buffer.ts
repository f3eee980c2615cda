import { hash } from "node:crypto";
import { normalizeSnippet } from "./normalize-snippet.js";

/** The fields of a hit that its fingerprint key is made of. */
export interface FingerprintKeyFields {
  readonly repo: string;
  readonly path: string;
  readonly pattern: string;
  readonly snippet?: string | undefined;
  readonly rule_id?: string | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const HASH_SIGN = 0x23;
const DIGIT_ZERO = 0x30;

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Every key starts so: the start of `["v1", repo, …]`, up to the repository's first character. */
const KEY_START = ascii('["v1","');
/** Between two of repository, path and pattern. */
const BETWEEN = ascii('","');
const SNIPPET_KIND = ascii('","snippet","');
const RULE_KIND = ascii('","rule","');
const NO_KIND = ascii('","none",""]');
/** After a snippet or rule id: its closing quote and the array's `]`. */
const VALUE_END = ascii('"]');

/** Key lengths up to which the view of the buffer's first bytes is kept for the next key of that length. */
const CACHED_VIEWS = 4096;

/**
 * `JSON.stringify(text)` without its quotes, for a text that needs the slow way: with a
 * character outside printable ASCII, or (a snippet) whitespace that normalising changes.
 */
const jsonContent = (text: string): string => JSON.stringify(text).slice(1, -1);

/**
 * Writes fingerprint keys (the JSON text of `["v1", repo, path, pattern, kind, value]`, then
 * `#` and the occurrence) as UTF-8 into one reused buffer and hashes them there, so no string
 * is built for a key. Printable ASCII text (nearly all of it: repository names, paths,
 * patterns and most code) is escaped and, for a snippet, checked to be normal in the same pass
 * that copies it; any other text is written from `JSON.stringify`. Either way the bytes are
 * the UTF-8 of the text `JSON.stringify` gives for the key's array. The line number is never
 * part of a key.
 */
export class FingerprintKeyBuffer {
  private bytes: Buffer = Buffer.alloc(0);
  /** `views[n]`: the buffer's first `n` bytes, made once (a view per key costs as much as hashing a short one). */
  private views: Array<Uint8Array | undefined> = [];

  constructor() {
    this.reserve(1024);
  }

  /**
   * Writes the key of `hit` without its occurrence (the snippet normalised, the repository
   * lower-cased), and returns where it ends, after the `]`.
   */
  writeIdentity(hit: FingerprintKeyFields): number {
    const { repo, path, pattern, snippet, rule_id: ruleId } = hit;
    // Each UTF-16 unit becomes at most 6 bytes (`\u001f`); the rest is under 64.
    this.reserve(6 * (repo.length + path.length + pattern.length + (snippet?.length ?? 0) + (ruleId?.length ?? 0)) + 64);
    let at = this.writeText(repo, KEY_START.length, true);
    at = this.writeText(path, this.writeConstant(BETWEEN, at), false);
    at = this.writeText(pattern, this.writeConstant(BETWEEN, at), false);
    if (snippet !== undefined && snippet !== "") {
      const start = this.writeConstant(SNIPPET_KIND, at);
      const end = this.writeNormalSnippet(snippet, start);
      if (end !== -1) return this.writeConstant(VALUE_END, end);
      const normal = normalizeSnippet(snippet);
      if (normal !== "") return this.writeConstant(VALUE_END, this.writeUtf8(jsonContent(normal), start));
    }
    if (ruleId !== undefined) return this.writeConstant(VALUE_END, this.writeText(ruleId, this.writeConstant(RULE_KIND, at), false));
    return this.writeConstant(NO_KIND, at);
  }

  /** SHA-256 (hex) of the key written by `writeIdentity`, which ended at `end`, followed by `#occurrence`. */
  hashKey(end: number, occurrence: number): string {
    const bytes = this.bytes;
    bytes[end] = HASH_SIGN;
    let length: number;
    const digit = occurrence | 0;
    if (digit === occurrence && digit >= 0 && digit < 10) {
      bytes[end + 1] = DIGIT_ZERO + digit;
      length = end + 2;
    } else length = this.writeUtf8(String(occurrence), end + 1);
    let view = length <= CACHED_VIEWS ? this.views[length] : undefined;
    if (view === undefined) {
      view = bytes.subarray(0, length);
      if (length <= CACHED_VIEWS) this.views[length] = view;
    }
    // One-shot hashing: a Hash object per hit costs more than the hashing itself.
    return hash("sha256", view, "hex");
  }

  /** Room for `length` bytes (and an occurrence counter after them). */
  private reserve(length: number): void {
    const needed = length + 24;
    if (this.bytes.length >= needed) return;
    let capacity = Math.max(this.bytes.length, 1024);
    while (capacity < needed) capacity *= 2;
    this.bytes = Buffer.alloc(capacity);
    this.bytes.set(KEY_START, 0);
    this.views = new Array<Uint8Array | undefined>(CACHED_VIEWS + 1);
  }

  private writeConstant(constant: Uint8Array, at: number): number {
    const bytes = this.bytes;
    for (let i = 0; i < constant.length; i++) bytes[at + i] = constant[i]!;
    return at + constant.length;
  }

  private writeUtf8(text: string, at: number): number {
    return at + this.bytes.write(text, at, "utf8");
  }

  /**
   * Writes the JSON string content of `text` (lower-cased when `lower`: repository names are
   * case-insensitive on GitHub) and returns where it ends.
   */
  private writeText(text: string, at: number, lower: boolean): number {
    const end = this.writeAscii(text, at, lower);
    return end !== -1 ? end : this.writeUtf8(jsonContent(lower ? text.toLowerCase() : text), at);
  }

  /** `writeText` for ASCII text without control characters, or -1 (and some bytes written) for any other. */
  private writeAscii(text: string, start: number, lower: boolean): number {
    const bytes = this.bytes;
    let at = start;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < SPACE || c >= 0x80) return -1;
      if (c === QUOTE || c === BACKSLASH) bytes[at++] = BACKSLASH;
      else if (lower && c >= 0x41 && c <= 0x5a) c += 0x20;
      bytes[at++] = c;
    }
    return at;
  }

  /**
   * Writes a snippet that is printable ASCII and normal (single spaces between other
   * characters, none at either end) as its JSON string content, or returns -1 for any other.
   */
  private writeNormalSnippet(text: string, start: number): number {
    const n = text.length;
    if (text.charCodeAt(0) === SPACE || text.charCodeAt(n - 1) === SPACE) return -1;
    const bytes = this.bytes;
    let at = start;
    let previous = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < SPACE || c >= 0x80 || (c === SPACE && previous === SPACE)) return -1;
      if (c === QUOTE || c === BACKSLASH) bytes[at++] = BACKSLASH;
      bytes[at++] = c;
      previous = c;
    }
    return at;
  }
}
