/** A GET's answer kept to be validated with `If-None-Match` next time. */
export interface CachedRead {
  etag: string;
  status: number;
  url: string;
  headers: Readonly<Record<string, string | number | undefined>>;
  /** The parsed body as Octokit gave it (a string for raw media types). */
  data: unknown;
}

export interface ConditionalReadCacheLimits {
  /** Answers kept at most, over all installations (least recently used go first). */
  maxEntries: number;
  /** Characters of bodies kept at most, over all installations. */
  maxChars: number;
  /** A body longer than this is not kept (it would push out many small ones). */
  maxEntryChars: number;
}

/**
 * Room for the configuration files and digest issues of a few hundred homes: an issue body is at
 * most 65,536 characters and its JSON a little more; configuration files are small.
 */
export const DEFAULT_CONDITIONAL_READ_CACHE_LIMITS: ConditionalReadCacheLimits = {
  maxEntries: 2_000,
  maxChars: 32 * 1024 * 1024,
  maxEntryChars: 256 * 1024,
};

interface Entry {
  read: CachedRead;
  chars: number;
}

/**
 * The entity tags and bodies of GitHub answers a process has read, per installation, in one
 * bounded least-recently-used map. An installation is part of every key, so no installation is
 * ever answered from another's read. Nothing here has to be shared between replicas: a read
 * another replica made, or a tag that is no longer current, only costs a full read (GitHub
 * answers 200 with the body), never a wrong answer.
 */
export class ConditionalReadCache {
  readonly #entries = new Map<string, Entry>();
  readonly #limits: ConditionalReadCacheLimits;
  #chars = 0;

  constructor(limits: Partial<ConditionalReadCacheLimits> = {}) {
    const resolved = { ...DEFAULT_CONDITIONAL_READ_CACHE_LIMITS, ...limits };
    for (const [name, value] of Object.entries(resolved)) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`conditional read cache ${name} must be a whole number of at least 1 (got ${value})`);
    }
    this.#limits = resolved;
  }

  get size(): number {
    return this.#entries.size;
  }

  get chars(): number {
    return this.#chars;
  }

  /** The kept answer for `key` of this installation, now the most recently used. */
  get(installationId: number, key: string): CachedRead | undefined {
    const id = entryKey(installationId, key);
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    return entry.read;
  }

  /** Keeps an answer (replacing the one before), then drops the least recently used beyond the bounds. */
  set(installationId: number, key: string, read: CachedRead): void {
    const id = entryKey(installationId, key);
    this.delete(installationId, key);
    const chars = sizeOf(read.data) + read.url.length + read.etag.length;
    if (chars > this.#limits.maxEntryChars) return;
    this.#entries.set(id, { read, chars });
    this.#chars += chars;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#limits.maxEntries && this.#chars <= this.#limits.maxChars) break;
      this.#entries.delete(oldest);
      this.#chars -= entry.chars;
    }
  }

  delete(installationId: number, key: string): void {
    const id = entryKey(installationId, key);
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#chars -= entry.chars;
  }
}

function entryKey(installationId: number, key: string): string {
  return `${installationId}\u0000${key}`;
}

function sizeOf(data: unknown): number {
  if (typeof data === "string") return data.length;
  if (data === undefined || data === null) return 0;
  return JSON.stringify(data).length;
}
