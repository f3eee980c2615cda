const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const FILE_TYPE_MASK = 0o170000;
const SYMBOLIC_LINK = 0o120000;

const u16 = (zip: Uint8Array, at: number): number => zip[at]! | (zip[at + 1]! << 8);
const u32 = (zip: Uint8Array, at: number): number => (u16(zip, at) | (u16(zip, at + 2) << 16)) >>> 0;

/**
 * The name of the first entry that the archive's central directory marks as a symbolic link
 * (file type 0o120000 in the Unix mode kept in the external attributes), or undefined when
 * there is none or no central directory can be read. Unzipping such an entry on disk would
 * follow the link, so the gate refuses it; the streaming unzip reads only local headers,
 * which do not carry the mode. Reads at most `maxEntries` entries and never throws.
 */
export function findZipSymlink(zip: Uint8Array, maxEntries: number): string | undefined {
  const end = findEndRecord(zip);
  if (end === undefined) return undefined;
  const count = u16(zip, end + 10);
  let at = u32(zip, end + 16);
  for (let entry = 0; entry < Math.min(count, maxEntries); entry++) {
    if (at + 46 > zip.byteLength || u32(zip, at) !== CENTRAL_DIRECTORY_ENTRY) return undefined;
    const nameLength = u16(zip, at + 28);
    const next = at + 46 + nameLength + u16(zip, at + 30) + u16(zip, at + 32);
    if (next > zip.byteLength) return undefined;
    const mode = u32(zip, at + 38) >>> 16;
    if ((mode & FILE_TYPE_MASK) === SYMBOLIC_LINK) {
      return new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    }
    at = next;
  }
  return undefined;
}

/** Offset of the end of central directory record, searched back over a possible comment. */
function findEndRecord(zip: Uint8Array): number | undefined {
  const last = zip.byteLength - END_RECORD_SIZE;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
    if (zip[at] === 0x50 && u32(zip, at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  return undefined;
}
