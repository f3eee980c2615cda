import { REDACTION_PREFIX, scrubSecrets } from "../artifact/scrub-secrets.js";
import type { DigestFinding } from "./digest-finding.js";
import { codeSpan, fencedCodeBlock } from "../markdown/markdown-code.js";
import { neutralizeMentions } from "../markdown/neutralize-mentions.js";

/**
 * How one finding appears in Markdown (digest body and comments). Everything that came from
 * an artifact is scrubbed of secrets and put in code spans or fences it cannot break out of.
 * GitHub links no mention or reference inside code, so code gets no invisible characters;
 * plain text is neutralised (no pings, no cross-links).
 */

const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*(?::[0-9]{1,5})?$/;

/** Throws unless `host` is a plain host name (optionally with a port), e.g. `github.com`. */
export function assertBlobHost(host: string): void {
  if (!HOST.test(host)) {
    throw new RangeError(`host ${JSON.stringify(host.slice(0, 300))} is not a host name such as "github.com"`);
  }
}

function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function encodePath(path: string): string {
  return path.split("/").map(encodeSegment).join("/");
}

/** Whether `text` can go into a link as it is: it holds no secret and nothing already redacted. */
function linkable(text: string): boolean {
  return !text.includes(REDACTION_PREFIX) && scrubSecrets(text) === text;
}

/**
 * `https://<host>/<repo>/blob/<sha>/<path>#L<line>`, or `undefined` when the SHA is unknown or
 * the repository or path holds a secret (or a redaction): a link must not carry what the text
 * hides, and a redacted path leads nowhere. Every segment is percent-encoded, so the URL is
 * safe as a Markdown link destination.
 */
export function blobUrl(host: string, finding: Pick<DigestFinding, "repo" | "path" | "line" | "sha">): string | undefined {
  if (finding.sha === undefined || finding.sha === "") return undefined;
  if (!linkable(finding.repo) || !linkable(finding.path)) return undefined;
  const anchor = Number.isSafeInteger(finding.line) && finding.line > 0 ? `#L${finding.line}` : "";
  return `https://${host}/${encodePath(finding.repo)}/blob/${encodeSegment(finding.sha)}/${encodePath(finding.path)}${anchor}`;
}

/** Untrusted text shown as plain Markdown: secrets scrubbed, then mentions and references neutralised. */
export function safeText(text: string): string {
  return neutralizeMentions(scrubSecrets(text));
}

/**
 * Untrusted text shown inside code (a code span, a fence, `<code>`): secrets scrubbed. GitHub
 * turns no mention or reference in code into a link, so no invisible character is inserted.
 */
export function safeCode(text: string): string {
  return scrubSecrets(text);
}

/**
 * Cuts `text` to at most `max` characters (UTF-16 units) ending in `…`, never splitting a
 * surrogate pair. `keep: "end"` keeps the tail instead (for long paths).
 */
export function shorten(text: string, max: number, keep: "start" | "end" = "start"): string {
  if (text.length <= max) return text;
  if (max <= 1) return "…".slice(0, max);
  if (keep === "start") {
    let cut = max - 1;
    if (isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
    return `${text.slice(0, cut)}…`;
  }
  let from = text.length - (max - 1);
  if (isLowSurrogate(text.charCodeAt(from))) from++;
  return `…${text.slice(from)}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Longest path shown as link text; the link itself carries the full path. */
export const SHOWN_PATH_MAX = 160;

/** `path:line` in a code span, linked to the blob when the SHA is known and the path holds no secret. */
export function findingLocation(host: string, finding: DigestFinding): string {
  const shown = codeSpan(`${shorten(safeCode(finding.path), SHOWN_PATH_MAX, "end")}:${finding.line}`);
  const url = blobUrl(host, finding);
  return url === undefined ? shown : `[${shown}](${url})`;
}

/**
 * A scrubbed snippet as a fenced block indented for a list item, cut to `maxChars` characters;
 * the empty string when there is no snippet or `maxChars` is 0. Secrets are scrubbed before
 * cutting, so a cut can never expose part of a token.
 */
export function snippetBlock(snippet: string | undefined, maxChars: number, indent = "  "): string {
  if (snippet === undefined || maxChars <= 0) return "";
  const shown = shorten(safeCode(snippet).replace(/\r\n?/g, "\n").replace(/^\n+/, "").trimEnd(), maxChars);
  return shown === "" ? "" : fencedCodeBlock(shown, indent);
}
