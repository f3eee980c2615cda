import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { CliIo } from "./cli-io.js";
import { describeFsError } from "./describe-fs-error.js";

export type ReadInputResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: "io"; message: string }
  | { ok: false; reason: "too_large"; message: string };


const tooLarge = (size: string, maxBytes: number): ReadInputResult => ({
  ok: false,
  reason: "too_large",
  message: `artifact is ${size} bytes, more than the limit max_bytes (${maxBytes} bytes)`,
});

/**
 * Reads a file (or standard input for `-`), refusing anything larger than `maxBytes`
 * without reading it all: files by their size, standard input by stopping early.
 */
export async function readInput(target: string, io: CliIo, maxBytes: number): Promise<ReadInputResult> {
  if (target === "-") {
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of io.stdin) {
        const buffer = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
        total += buffer.byteLength;
        if (total > maxBytes) return tooLarge(`more than ${maxBytes}`, maxBytes);
        chunks.push(buffer);
      }
    } catch (error) {
      return { ok: false, reason: "io", message: `cannot read standard input: ${describeFsError(error)}` };
    }
    return { ok: true, bytes: new Uint8Array(Buffer.concat(chunks)) };
  }
  const file = path.resolve(io.cwd, target);
  try {
    const info = await stat(file);
    if (info.isDirectory()) return { ok: false, reason: "io", message: `cannot read ${target}: is a directory` };
    if (info.size > maxBytes) return tooLarge(String(info.size), maxBytes);
    const bytes = await readFile(file);
    if (bytes.byteLength > maxBytes) return tooLarge(String(bytes.byteLength), maxBytes);
    return { ok: true, bytes: new Uint8Array(bytes) };
  } catch (error) {
    return { ok: false, reason: "io", message: `cannot read ${target}: ${describeFsError(error)}` };
  }
}
