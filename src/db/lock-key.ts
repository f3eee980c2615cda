import { createHash } from "node:crypto";

/** Maps a lock name onto the signed 64-bit key space of PostgreSQL advisory locks. */
export function lockKey(name: string): string {
  return createHash("sha256").update(name).digest().readBigInt64BE(0).toString();
}
