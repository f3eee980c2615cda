import { createHash } from "node:crypto";
import { writeCanonicalJson } from "./write-canonical-json.js";

/**
 * SHA-256 (hex) of `canonicalJson(value)`, the RFC 8785 text, written to the hash in chunks as
 * it is produced, so the whole text (as large as the artifact) never exists at once. Gives the
 * same digest as hashing `canonicalJson(value)` for every JSON value; throws a TypeError for a
 * value JSON cannot represent (undefined or a function where a value is needed, NaN, Infinity,
 * a bigint).
 */
export function canonicalJsonSha256(value: unknown): string {
  const hash = createHash("sha256");
  writeCanonicalJson(value, hash);
  return hash.digest("hex");
}
