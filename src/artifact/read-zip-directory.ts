const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const END_RECORD_SIZE = 22;
const ENTRY_HEADER_SIZE = 46;
const MAX_COMMENT = 0xffff;
const FILE_TYPE_MASK = 0o170000;
const SYMBOLIC_LINK = 0o120000;
/** General purpose flag bit 11: the name is UTF-8 (otherwise read byte for byte, as the unzip does). */
const UTF8_NAME = 0x800;

/** One entry as the archive's central directory lists it. */
export interface ZipDirectoryEntry {
  name: string;
  /** File type 0o120000 in the Unix mode kept in the external attributes. */
  symlink: boolean;
  /** CRC-32 of the entry's uncompressed bytes. */
  crc32: number;
  uncompressedSize: number;
}

const u16 = (zip: Uint8Array, at: number): number => zip[at]! | (zip[at + 1]! << 8);
const u32 = (zip: Uint8Array, at: number): number => (u16(zip, at) | (u16(zip, at + 2) << 16)) >>> 0;

/**
 * The entries of the archive's central directory, in the order it lists them: what `unzip`
 * and every other tool that reads the directory shows of the archive. At most `maxEntries + 1`
 * are read (one more than a caller allows, so it can tell there are too many). Undefined when
 * no directory can be read: no end record, or an entry without its signature or running past
 * the end of the archive. Never throws.
 */
export function readZipDirectory(zip: Uint8Array, maxEntries: number): ZipDirectoryEntry[] | undefined {
  const end = findEndRecord(zip);
  if (end === undefined) return undefined;
  const count = u16(zip, end + 10);
  const entries: ZipDirectoryEntry[] = [];
  const utf8 = new TextDecoder();
  let at = u32(zip, end + 16);
  for (let entry = 0; entry < Math.min(count, maxEntries + 1); entry++) {
    if (at + ENTRY_HEADER_SIZE > zip.byteLength || u32(zip, at) !== CENTRAL_DIRECTORY_ENTRY) return undefined;
    const nameLength = u16(zip, at + 28);
    const next = at + ENTRY_HEADER_SIZE + nameLength + u16(zip, at + 30) + u16(zip, at + 32);
    if (next > zip.byteLength) return undefined;
    const nameBytes = zip.subarray(at + ENTRY_HEADER_SIZE, at + ENTRY_HEADER_SIZE + nameLength);
    entries.push({
      name: (u16(zip, at + 8) & UTF8_NAME) !== 0 ? utf8.decode(nameBytes) : Buffer.from(nameBytes).toString("latin1"),
      symlink: ((u32(zip, at + 38) >>> 16) & FILE_TYPE_MASK) === SYMBOLIC_LINK,
      crc32: u32(zip, at + 16),
      uncompressedSize: u32(zip, at + 24),
    });
    at = next;
  }
  return entries;
}

/** Offset of the end of central directory record, searched back over a possible comment. */
function findEndRecord(zip: Uint8Array): number | undefined {
  const last = zip.byteLength - END_RECORD_SIZE;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
    if (zip[at] === 0x50 && u32(zip, at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  return undefined;
}
