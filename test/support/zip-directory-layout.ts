/**
 * Where a zip archive's central directory lies, for tests that forge one: `end` is its end
 * record, `start` its first entry, and `entry(i)` the offset of its entry `i` (each one's
 * fixed header, then name, extra field and comment).
 */
export function zipDirectoryLayout(zip: Uint8Array): { start: number; end: number; entry: (index: number) => number } {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let end = zip.byteLength - 22; end >= 0; end--) {
    if (view.getUint32(end, true) !== 0x06054b50) continue;
    const start = view.getUint32(end + 16, true);
    const entry = (index: number): number => {
      let at = start;
      for (let i = 0; i < index; i++) at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
      return at;
    };
    return { start, end, entry };
  }
  throw new Error("the archive has no end of central directory record");
}
