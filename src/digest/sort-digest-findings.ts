import type { DigestFinding } from "./digest-finding.js";
import { compareDigestFindings } from "./digest-finding.js";

type Sortable = Pick<DigestFinding, "severity" | "repo" | "path" | "line" | "fingerprint">;

/** Position of a severity's group: most serious first. */
const SEVERITY_ORDER: Readonly<Record<DigestFinding["severity"], number>> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Buckets at or below this size are put in order by insertion, which beats another counting pass. */
const SMALL_BUCKET = 24;

/** Counting buckets per character position: 0 for "the path ended here", then one per code unit up to U+00FF. */
const BUCKETS = 257;

/**
 * Sorts findings in place into the canonical order, exactly as `sort(compareDigestFindings)`
 * would (ties in input order), and returns them. Findings are first put in a group per
 * severity and repository (the groups in order: severities by rank, repositories by code
 * unit). Within a group, the paths are sorted by a most-significant-character-first radix
 * sort: one counting pass per character position distributes the findings into buckets by
 * the code unit at that position (a path that ended sorts first, as a shorter path does in
 * the comparator), and each bucket goes on at the next position. The work grows with the
 * number of findings times the length of the paths' distinguishing prefixes, not with
 * n·log n string comparisons, so a group of a thousand findings costs per finding about what
 * a group of ten does. Buckets of a few findings, findings whose path is the same, and
 * buckets whose next character is beyond U+00FF are put in order by comparing path, line,
 * fingerprint and input position, which is the comparator's order within a group with the
 * stability of `Array.prototype.sort`. A line that is not a non-negative safe integer or an
 * unknown severity falls back to the comparator itself, so the order never depends on the
 * data being typical.
 */
export function sortDigestFindings<T extends Sortable>(findings: T[]): T[] {
  const count = findings.length;
  if (count < 2) return findings;
  /** Per severity rank (most serious first), the indexes of its findings per repository. */
  const groups = [0, 1, 2, 3].map(() => new Map<string, number[]>());
  let pathUnits = 0;
  for (let i = 0; i < count; i++) {
    const f = findings[i]!;
    const bySeverity = groups[SEVERITY_ORDER[f.severity] ?? -1];
    if (bySeverity === undefined || !Number.isSafeInteger(f.line) || f.line < 0) return findings.sort(compareDigestFindings);
    const group = bySeverity.get(f.repo);
    if (group === undefined) bySeverity.set(f.repo, [i]);
    else group.push(i);
    pathUnits += f.path.length;
  }
  const order = new Int32Array(count);
  let next = 0;
  const starts: number[] = [];
  for (const bySeverity of groups) {
    for (const repo of [...bySeverity.keys()].sort()) {
      starts.push(next);
      for (const index of bySeverity.get(repo)!) order[next++] = index;
    }
  }
  starts.push(count);
  const sorter = new PathRadixSort(findings, order, pathUnits);
  for (let g = 0; g + 1 < starts.length; g++) sorter.sort(starts[g]!, starts[g + 1]!);
  const sorted = new Array<T>(count);
  for (let i = 0; i < count; i++) sorted[i] = findings[order[i]!]!;
  for (let i = 0; i < count; i++) findings[i] = sorted[i]!;
  return findings;
}

/**
 * The radix sort of one group's findings (indexes into `findings`, held in `order`) by path,
 * then line, fingerprint and input position. The paths' code units and the lines are copied
 * once into flat typed arrays, read in input order: the counting passes then read a few
 * megabytes laid out together instead of a finding object and a string scattered over the
 * heap per finding and per character position, which is what made a large sort wait on
 * memory. Scratch space is allocated once per sort; the buckets still to sort wait on a stack
 * (not in recursive calls, so long paths cannot exhaust the call stack).
 */
class PathRadixSort<T extends Sortable> {
  /** Code units of every path, finding after finding. */
  private readonly units: Uint16Array;
  /** Where each finding's path starts in `units`; one more entry for the end of the last. */
  private readonly starts: Int32Array;
  private readonly lines: Float64Array;
  private readonly scratch: Int32Array;
  private readonly counts = new Int32Array(BUCKETS);
  /** Buckets still to sort, as triples: start, end, and the length of the prefix their paths share. */
  private readonly pending: number[] = [];

  constructor(
    private readonly findings: readonly T[],
    private readonly order: Int32Array,
    pathUnits: number,
  ) {
    const count = findings.length;
    this.units = new Uint16Array(pathUnits);
    this.starts = new Int32Array(count + 1);
    this.lines = new Float64Array(count);
    this.scratch = new Int32Array(count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const f = findings[i]!;
      const path = f.path;
      this.starts[i] = at;
      for (let c = 0; c < path.length; c++) this.units[at++] = path.charCodeAt(c);
      this.lines[i] = f.line;
    }
    this.starts[count] = at;
  }

  /** Sorts `order[lo..hi)`. */
  sort(lo: number, hi: number): void {
    const pending = this.pending;
    pending.push(lo, hi, 0);
    while (pending.length > 0) {
      const depth = pending.pop()!;
      const end = pending.pop()!;
      const start = pending.pop()!;
      this.sortBucket(start, end, depth);
    }
  }

  /** Sorts `order[lo..hi)`, whose paths all share their first `shared` code units, or distributes it into buckets left on the stack. */
  private sortBucket(lo: number, hi: number, shared: number): void {
    const { units, starts, order, scratch, counts } = this;
    const size = hi - lo;
    if (size <= SMALL_BUCKET) {
      this.insertionSort(lo, hi, shared);
      return;
    }
    // Skip the prefix all these paths share (one pass, instead of a counting pass per character).
    const depth = shared + this.sharedPrefix(lo, hi, shared);
    // `counts` is all zeros between calls; only the range of codes that occur is counted, summed
    // and walked (a bucket of paths that go on with digits spans 10 codes, not 257), then cleared.
    let low = BUCKETS;
    let high = 0;
    for (let k = lo; k < hi; k++) {
      const index = order[k]!;
      const at = starts[index]! + depth;
      const code = at < starts[index + 1]! ? units[at]! + 1 : 0;
      if (code >= BUCKETS) {
        if (low <= high) counts.fill(0, low, high + 1);
        this.comparisonSort(lo, hi, depth);
        return;
      }
      counts[code]!++;
      if (code < low) low = code;
      if (code > high) high = code;
    }
    if (counts[0] === size) {
      // The same path throughout: line, fingerprint and position decide.
      counts[0] = 0;
      this.comparisonSort(lo, hi, depth);
      return;
    }
    // Bucket starts, then a stable distribution into the scratch buffer and back.
    let sum = lo;
    for (let b = low; b <= high; b++) {
      const bucketSize = counts[b]!;
      counts[b] = sum;
      sum += bucketSize;
    }
    for (let k = lo; k < hi; k++) {
      const index = order[k]!;
      const at = starts[index]! + depth;
      const code = at < starts[index + 1]! ? units[at]! + 1 : 0;
      scratch[counts[code]!++] = index;
    }
    order.set(scratch.subarray(lo, hi), lo);
    // `counts[b]` is now the end of bucket b. Bucket 0 holds the paths equal to the shared prefix.
    let start = lo;
    for (let b = low; b <= high; b++) {
      const end = counts[b]!;
      counts[b] = 0;
      if (end - start > 1) {
        if (b === 0) this.comparisonSort(start, end, depth);
        else this.pending.push(start, end, depth + 1);
      }
      start = end;
    }
  }

  /** How many code units after the first `depth` all paths of `order[lo..hi)` have in common. */
  private sharedPrefix(lo: number, hi: number, depth: number): number {
    const { units, starts, order } = this;
    const first = order[lo]!;
    const from = starts[first]! + depth;
    let shared = starts[first + 1]! - from;
    for (let k = lo + 1; k < hi && shared > 0; k++) {
      const index = order[k]!;
      const at = starts[index]! + depth;
      const limit = Math.min(shared, starts[index + 1]! - at);
      let same = 0;
      while (same < limit && units[at + same] === units[from + same]) same++;
      shared = same;
    }
    return shared;
  }

  /**
   * The order within a group, for findings whose paths share their first `depth` code units:
   * path (code units; a path that is a prefix of the other first), line, fingerprint (code
   * units), then input position.
   */
  private before(a: number, b: number, depth: number): boolean {
    const { units, starts, lines } = this;
    const aEnd = starts[a + 1]!;
    const bEnd = starts[b + 1]!;
    for (let i = starts[a]! + depth, j = starts[b]! + depth; ; i++, j++) {
      if (i === aEnd) {
        if (j !== bEnd) return true;
        break;
      }
      if (j === bEnd) return false;
      const x = units[i]!;
      const y = units[j]!;
      if (x !== y) return x < y;
    }
    if (lines[a] !== lines[b]) return lines[a]! < lines[b]!;
    const x = this.findings[a]!.fingerprint;
    const y = this.findings[b]!.fingerprint;
    if (x !== y) return x < y;
    return a < b;
  }

  private insertionSort(lo: number, hi: number, depth: number): void {
    const order = this.order;
    for (let k = lo + 1; k < hi; k++) {
      const index = order[k]!;
      let j = k - 1;
      while (j >= lo && this.before(index, order[j]!, depth)) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = index;
    }
  }

  /** By insertion when few, otherwise by the engine's sort, in the same order. */
  private comparisonSort(lo: number, hi: number, depth: number): void {
    if (hi - lo <= SMALL_BUCKET) {
      this.insertionSort(lo, hi, depth);
      return;
    }
    const part = Array.from(this.order.subarray(lo, hi));
    part.sort((a, b) => (this.before(a, b, depth) ? -1 : this.before(b, a, depth) ? 1 : 0));
    this.order.set(part, lo);
  }
}
