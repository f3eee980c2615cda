import { createHash } from "node:crypto";
import type { SimResponse } from "./dispatch-request.js";

/**
 * GitHub's validator for a GET response: a weak entity tag over the representation (content
 * type and bytes), so it changes whenever the resource as served changes (an issue edited,
 * commented on, labelled; a file's content) and differs between media types of the same URL.
 */
export function entityTag(response: Pick<SimResponse, "headers" | "body">): string {
  const hash = createHash("sha256").update(response.headers["content-type"] ?? "").update("\0");
  if (response.body !== undefined) hash.update(response.body);
  return `W/"${hash.digest("hex").slice(0, 40)}"`;
}

/** The opaque part of an entity tag, for the weak comparison `If-None-Match` uses. */
function opaque(tag: string): string {
  return tag.trim().replace(/^W\//, "");
}

/** Whether an `If-None-Match` header (a list of tags, or `*`) names the current tag (RFC 9110 weak comparison). */
export function ifNoneMatchHits(header: string | null, current: string): boolean {
  if (header === null || header.trim() === "") return false;
  if (header.trim() === "*") return true;
  const wanted = opaque(current);
  return header.split(",").some((tag) => opaque(tag) === wanted);
}
