import { OPEN_BRACE, OPEN_BRACKET, CLOSE_BRACE, CLOSE_BRACKET, QUOTE, COLON, COMMA, BACKSLASH, isWhitespace } from "./json-characters.js";

/** The member of the top-level object whose elements are parsed one by one. */
const HITS_KEY = "org_unregistered_hits";

/** A `\uD800`–`\uDFFF` escape: the only way JSON text can hold an unpaired surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Characters of hits gathered before they are parsed together: a string that dies young. */
const BATCH_CHARS = 32 * 1024;

/** Where the scan is: in the rest of the document, or inside the hits array. */
const enum Mode {
  Envelope,
  InHits,
}

/** How far the scan has recognised `"org_unregistered_hits" : [` in the top-level object. */
const enum KeyState {
  None,
  /** Reading a string at depth 1 that may be the name. */
  InName,
  /** The name was read; a colon may follow. */
  AfterName,
  /** The name and its colon were read; a `[` opens the hits. */
  AfterColon,
}

/**
 * Where the last character that `bytes` hold whole ends: before the lead byte of a UTF-8
 * sequence that is cut short at the end (its bytes are decoded with the next chunk), else the
 * end. Malformed bytes are left where they are, for the decoder to refuse.
 */
function completeCharactersEnd(bytes: Uint8Array): number {
  const end = bytes.byteLength;
  for (let i = end - 1; i >= 0 && i >= end - 3; i--) {
    const byte = bytes[i]!;
    if (byte < 0x80) return end;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return end - i < length ? i : end;
    }
  }
  return end;
}

/** A document the split parse read whole: the same value `JSON.parse` gives for its text. */
export interface SplitDocument {
  document: Record<string, unknown>;
  /** Colons outside strings: in valid JSON, the member names of every object, repeated names included. */
  members: number;
  /** The text holds a `\uD800`–`\uDFFF` escape, so some string may hold an unpaired surrogate. */
  surrogateEscape: boolean;
}

/**
 * Parses an artifact's JSON as it arrives, chunk by chunk, without ever holding its whole text:
 * one scan finds the elements of the top-level `org_unregistered_hits` array, and each is
 * decoded and given to `JSON.parse` on its own (small strings that die young); the rest of the
 * document (the envelope) is parsed once with that array empty, and the parsed hits are put in
 * its place. The same scan bounds the nesting depth and counts member names.
 *
 * It answers only for a document that is surely valid UTF-8 and valid JSON, no deeper than
 * `maxDepth` and no larger than `maxBytes`, with an object at the top: then the value is what
 * `JSON.parse` gives for the whole text. For anything else (or anything it cannot tell) `end`
 * gives `undefined`, and the caller reads the whole text again to say what is wrong, so every
 * error keeps its message and position. The pieces it parses partition the text (envelope,
 * elements, whitespace and commas between them), so when each is valid where it stands, the
 * whole text is valid JSON.
 */
export class SplitArtifactParser {
  private readonly maxBytes: number;
  private readonly maxDepth: number;
  /** Decodes whole pieces (no streaming state, which costs several times more per byte); the BOM is dropped by hand. */
  private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  /** The bytes of a character the previous chunk ended inside of. */
  private carry: Uint8Array | undefined;
  private decodedAny = false;
  private declined = false;
  private bytes = 0;
  private started = false;

  private mode = Mode.Envelope;
  private depth = 0;
  private members = 0;
  private surrogateEscape = false;
  private inString = false;
  /** The previous chunk ended inside a string on an odd run of backslashes: the next character is escaped. */
  private escapeNext = false;

  private keyState = KeyState.None;
  /** The last characters of the previous chunk, where a surrogate escape may begin. */
  private tail = "";
  private keyText = "";
  private hitsFound = false;
  /** Depth inside the hits array (the top-level object is depth 1, the array 2). */
  private hitsDepth = 0;
  /** Some batch of hits has been parsed since the array opened. */
  private batchParsed = false;

  private envelope: string[] = [];
  /** The text of the hits read since the last batch was parsed, from earlier chunks. */
  private batch: string[] = [];
  private batchLength = 0;
  private hits: unknown[] = [];

  constructor({ maxBytes, maxDepth }: { maxBytes: number; maxDepth: number }) {
    this.maxBytes = maxBytes;
    this.maxDepth = maxDepth;
  }

  /** Takes the next bytes of the UTF-8 file. */
  pushBytes(chunk: Uint8Array): void {
    if (this.declined) return;
    this.bytes += chunk.byteLength;
    if (this.bytes > this.maxBytes) return this.decline();
    let bytes = chunk;
    if (this.carry !== undefined) {
      bytes = new Uint8Array(this.carry.byteLength + chunk.byteLength);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.byteLength);
      this.carry = undefined;
    }
    const cut = completeCharactersEnd(bytes);
    if (cut < bytes.byteLength) this.carry = bytes.slice(cut);
    if (cut === 0) return;
    let text: string;
    try {
      text = this.decoder.decode(bytes.subarray(0, cut));
    } catch {
      return this.decline();
    }
    if (!this.decodedAny) {
      this.decodedAny = true;
      // A leading BOM is dropped, as decoding the whole file does.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.pushText(text);
  }

  /** Takes the next characters of the text (a leading BOM is the caller's to drop). */
  pushText(text: string): void {
    if (this.declined || text.length === 0) return;
    if (!this.surrogateEscape) {
      // An escape cut in two by a chunk boundary is found in the joined ends.
      if (SURROGATE_ESCAPE.test(text) || SURROGATE_ESCAPE.test(this.tail + text.slice(0, 5))) this.surrogateEscape = true;
      this.tail = (this.tail + text).slice(-5);
    }
    if (!this.started) {
      let first = 0;
      while (first < text.length && isWhitespace(text.charCodeAt(first))) first++;
      if (first === text.length) {
        this.envelope.push(text);
        return;
      }
      if (text.charCodeAt(first) !== OPEN_BRACE) return this.decline();
      this.started = true;
    }
    this.scan(text);
  }

  /** The document, or `undefined` when it is not surely valid and the whole text must be read. */
  end(): SplitDocument | undefined {
    // The file ends inside a character: not UTF-8.
    if (this.carry !== undefined) this.decline();
    if (this.declined || !this.started || this.inString || this.mode !== Mode.Envelope) return undefined;
    const envelopeText = this.envelope.join("");
    this.envelope = [];
    let document: unknown;
    try {
      document = JSON.parse(envelopeText);
    } catch {
      return undefined;
    }
    if (document === null || typeof document !== "object" || Array.isArray(document)) return undefined;
    const record = document as Record<string, unknown>;
    if (this.hitsFound) {
      const placeholder = record[HITS_KEY];
      if (!Array.isArray(placeholder) || placeholder.length !== 0) return undefined;
      record[HITS_KEY] = this.hits;
    }
    this.hits = [];
    return { document: record, members: this.members, surrogateEscape: this.surrogateEscape };
  }

  private decline(): void {
    this.declined = true;
    this.envelope = [];
    this.batch = [];
    this.hits = [];
    this.keyText = "";
  }

  /**
   * Reads one chunk. The state lives in locals during the loop (the hot path: string contents
   * are jumped over with `indexOf`, so the loop sees only the few characters between strings).
   */
  private scan(text: string): void {
    const n = text.length;
    let i = 0;
    /** Where the piece of `text` that belongs to the envelope or to the current hit starts. */
    let pieceStart = 0;
    if (this.inString) {
      i = this.continueString(text);
      if (i === n) return this.keepPiece(text, 0);
      i++;
    }
    let depth = this.depth;
    let members = this.members;
    let mode = this.mode;
    let hitsDepth = this.hitsDepth;
    const maxDepth = this.maxDepth;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        let quote = text.indexOf('"', i + 1);
        while (quote !== -1 && text.charCodeAt(quote - 1) === BACKSLASH) {
          let backslashes = 1;
          while (quote - 1 - backslashes > i && text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
          if (backslashes % 2 === 0) break;
          quote = text.indexOf('"', quote + 1);
        }
        if (quote === -1) {
          // The string goes on in the next chunk.
          this.inString = true;
          let backslashes = 0;
          while (n - 1 - backslashes > i && text.charCodeAt(n - 1 - backslashes) === BACKSLASH) backslashes++;
          this.escapeNext = backslashes % 2 === 1;
          const readsName = mode === Mode.Envelope && depth === 1 && !this.hitsFound;
          this.keyText = readsName ? text.slice(i + 1, i + 2 + HITS_KEY.length) : "";
          this.keyState = readsName && !this.escapeNext && this.keyText.length <= HITS_KEY.length ? KeyState.InName : KeyState.None;
          break;
        }
        // Inside the hits nothing is named: the name is looked for only in the top-level object.
        if (mode === Mode.Envelope) {
          const readsName = depth === 1 && !this.hitsFound && quote - i - 1 === HITS_KEY.length && text.startsWith(HITS_KEY, i + 1);
          this.keyState = readsName ? KeyState.AfterName : KeyState.None;
        }
        i = quote;
        continue;
      }
      if (c <= 0x20 && isWhitespace(c)) continue;
      if (mode === Mode.Envelope && this.keyState !== KeyState.None) this.advanceKey(c);
      if (c === COLON) {
        members++;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
        if (depth > maxDepth) return this.decline();
        if (this.keyState === KeyState.AfterColon) {
          this.keyState = KeyState.None;
          this.envelope.push(text.slice(pieceStart, i + 1));
          pieceStart = i + 1;
          this.hitsFound = true;
          this.hitsDepth = depth;
          hitsDepth = depth;
          mode = Mode.InHits;
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (mode === Mode.InHits && depth === hitsDepth) {
          if (c === CLOSE_BRACE || !this.parseBatch(text.slice(pieceStart, i), true)) return this.decline();
          // The hits array closes: its `]` belongs to the envelope again.
          depth--;
          mode = Mode.Envelope;
          pieceStart = i;
          continue;
        }
        depth--;
        if (depth < 0) return this.decline();
      } else if (c === COMMA && mode === Mode.InHits && depth === hitsDepth && this.batchLength + i - pieceStart >= BATCH_CHARS) {
        if (!this.parseBatch(text.slice(pieceStart, i), false)) return this.decline();
        pieceStart = i + 1;
      }
    }
    this.depth = depth;
    this.members = members;
    this.mode = mode;
    this.keepPiece(text, pieceStart);
  }

  /** Keeps the rest of the chunk from `start` as part of the envelope or of the current hit. */
  private keepPiece(text: string, start: number): void {
    if (start >= text.length) return;
    const piece = start === 0 ? text : text.slice(start);
    if (this.mode === Mode.InHits) {
      this.batch.push(piece);
      this.batchLength += piece.length;
    } else this.envelope.push(piece);
  }

  /**
   * Reads on in a string that began in an earlier chunk and returns the index of its closing
   * quote, or `text.length` when it goes on in the next chunk too.
   */
  private continueString(text: string): number {
    let low = 0;
    if (this.escapeNext) {
      this.escapeNext = false;
      low = 1;
      this.keyState = KeyState.None;
    }
    let quote = text.indexOf('"', low);
    while (quote !== -1) {
      let backslashes = 0;
      while (quote - 1 - backslashes >= low && text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
      if (backslashes % 2 === 0) break;
      quote = text.indexOf('"', quote + 1);
    }
    const end = quote === -1 ? text.length : quote;
    if (this.keyState === KeyState.InName) {
      this.keyText += text.slice(low, Math.min(end, low + HITS_KEY.length + 1));
      if (this.keyText.length > HITS_KEY.length) this.keyState = KeyState.None;
    }
    if (quote === -1) {
      let backslashes = 0;
      while (text.length - 1 - backslashes >= low && text.charCodeAt(text.length - 1 - backslashes) === BACKSLASH) backslashes++;
      this.escapeNext = backslashes % 2 === 1;
      if (this.escapeNext) this.keyState = KeyState.None;
      return text.length;
    }
    this.inString = false;
    if (this.keyState === KeyState.InName) this.keyState = this.keyText === HITS_KEY ? KeyState.AfterName : KeyState.None;
    return quote;
  }

  /** A character other than whitespace outside strings while the hits' member name may be read. */
  private advanceKey(c: number): void {
    if (this.keyState === KeyState.AfterName && c === COLON) this.keyState = KeyState.AfterColon;
    else if (!(this.keyState === KeyState.AfterColon && c === OPEN_BRACKET)) this.keyState = KeyState.None;
  }

  /**
   * Parses the hits read since the last batch, up to an array-level comma or the closing `]`
   * (`last`), as one array: the text between two such commas must hold at least one hit, and
   * only an array that is empty as a whole may close on an empty batch. False when the batch
   * is not valid JSON there.
   */
  private parseBatch(last: string, closing: boolean): boolean {
    let text = last;
    if (this.batch.length > 0) {
      this.batch.push(last);
      text = this.batch.join("");
      this.batch = [];
      this.batchLength = 0;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(`[${text}]`);
    } catch {
      return false;
    }
    const hits = parsed as unknown[];
    if (hits.length === 0 && (!closing || this.batchParsed)) return false;
    this.batchParsed = true;
    for (const hit of hits) this.hits.push(hit);
    return true;
  }
}
