/** Characters gathered before they are handed to the sink. */
const CHUNK = 64 * 1024;

/** Where the canonical text goes, piece by piece: a `Hash` or an `Hmac` from node:crypto. */
export interface CanonicalJsonSink {
  update(text: string): unknown;
}

/**
 * Writes `canonicalJson(value)`, the RFC 8785 text, to `sink` in chunks of about 64K characters
 * as it is produced, so the whole text (as large as the artifact) never exists at once: the
 * chunks, joined, are exactly `canonicalJson(value)` for every JSON value. Throws a TypeError for
 * a value JSON cannot represent (undefined or a function where a value is needed, NaN, Infinity,
 * a bigint).
 */
export function writeCanonicalJson(value: unknown, sink: CanonicalJsonSink): void {
  const writer: Writer = { sink, pending: "" };
  writeCanonical(writer, value);
  if (writer.pending.length > 0) sink.update(writer.pending);
}

interface Writer {
  sink: CanonicalJsonSink;
  pending: string;
}

function write(writer: Writer, piece: string): void {
  writer.pending += piece;
  if (writer.pending.length >= CHUNK) {
    writer.sink.update(writer.pending);
    writer.pending = "";
  }
}

/** Whether a member or element is left out (an object member) or written as null (an array element), as JSON does. */
const isAbsent = (value: unknown): boolean => value === undefined || typeof value === "symbol";

function writeCanonical(writer: Writer, value: unknown): void {
  if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError("NaN and Infinity have no JSON representation");
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new TypeError("value has no JSON representation");
    write(writer, text);
    return;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    writeCanonical(writer, (toJSON as () => unknown).call(value));
    return;
  }
  if (Array.isArray(value)) {
    write(writer, "[");
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) {
      if (i > 0) write(writer, ",");
      const item = items[i];
      writeCanonical(writer, isAbsent(item) ? null : item);
    }
    write(writer, "]");
    return;
  }
  const record = value as Record<string, unknown>;
  write(writer, "{");
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (isAbsent(member)) continue;
    write(writer, first ? JSON.stringify(key) : `,${JSON.stringify(key)}`);
    write(writer, ":");
    first = false;
    writeCanonical(writer, member);
  }
  write(writer, "}");
}
