import { getHeapStatistics } from "node:v8";
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import type { GarbageCollector } from "./load-garbage-collector.js";

/** What one check reads: the V8 heap and how busy the event loop was since the previous check. */
export interface HeapSample {
  /** Bytes V8 holds for its heap (`total_heap_size`): its young generation at its current size included. */
  committed: number;
  /** Bytes of that heap taken by objects, live or not yet collected (`used_heap_size`). */
  used: number;
  /** Share of the time since the previous check the event loop spent running code (0 to 1). */
  busy: number;
}

export interface IdleMemoryReleaseOptions {
  collect: GarbageCollector;
  /** Time between checks (default 1 s). */
  intervalMs?: number;
  /**
   * Idle intervals in a row before a collection (default 7). V8 shrinks its young generation
   * in a collection only when its own measure of the allocation rate is low, and it measures
   * that rate from one collection to the next, over at least the last 5 s: a collection whose
   * previous one ran during the burst counts the burst's tail, frees the garbage but keeps the
   * heap's size. So at the first idle check a young collection ends the burst's measure, and
   * the full collections come `idleIntervals - 1` intervals later; with more than 5 s between
   * them, idle time is all V8 looks back on.
   */
  idleIntervals?: number;
  /** Heap held beyond what objects use that makes an idle process collect (default 12 MB). */
  slackBytes?: number;
  /**
   * Event loop utilization below which an interval counts as idle (default 0.25): an idle
   * process's pollers use a few percent, more on a loaded machine; a burst keeps it near 1.
   */
  idleBelow?: number;
  /** Reads the heap and the event loop (default: `v8.getHeapStatistics` and `performance.eventLoopUtilization`). */
  sample?: () => HeapSample;
}

export interface IdleMemoryRelease {
  /** One check now (the timer runs it every `intervalMs`); returns whether it collected. */
  check(): boolean;
  stop(): void;
}

const MB = 1024 * 1024;
/**
 * Collections in a row that leave the heap as large as it was (V8 still counted the process as
 * allocating: its measure looks back a few seconds), one every `RETRY_MS` (or every idle check,
 * if those are further apart), after which it waits for the heap to grow again.
 */
const MAX_FRUITLESS = 5;
const RETRY_MS = 2_000;

/**
 * Gives the heap a burst of work left behind back to the system once the process is idle.
 *
 * V8 sizes its young generation by the recent rate of surviving allocations: loading the app at
 * start-up, or a burst of deliveries and ingests, grows it to its largest (two 16 MB
 * semi-spaces), and it stays that large, resident, with the garbage of the burst, until V8's own
 * memory reducer judges the process idle, which takes from tens of seconds to minutes. A
 * replica spends most of its life idle between bursts, so every `intervalMs` this checks: when
 * the last `idleIntervals` intervals were idle (event loop utilization under `idleBelow`) and
 * the heap holds `slackBytes` more than its objects use, and more than after the previous
 * collection that gave memory back, it runs two full collections, which also shrink the
 * young generation back; at the first idle check after work, a young collection (about a
 * millisecond) makes V8 measure the idle time apart from the burst, so those find its
 * allocation rate low and shrink it the first time. A busy process is left to V8; an idle one
 * collects once per burst (a few tens of milliseconds of a heap this size), not on every check:
 * a collection that gives nothing back is tried again every `RETRY_MS` while idle, at most
 * `MAX_FRUITLESS` times, then not again until the heap grows.
 */
export function startIdleMemoryRelease({
  collect,
  intervalMs = 1_000,
  idleIntervals = 7,
  slackBytes = 12 * MB,
  idleBelow = 0.25,
  sample = processHeapSample(),
}: IdleMemoryReleaseOptions): IdleMemoryRelease {
  /** Heap committed after the last collection that gave memory back; a check collects again only once it grew past this by `slackBytes`. */
  let floor = 0;
  /** Idle intervals in a row so far. */
  let idle = 0;
  /** Collections in a row that gave nothing back, and the idle count at the last of them. */
  let fruitless = 0;
  let triedAt = 0;
  const retryEvery = Math.max(1, Math.round(RETRY_MS / intervalMs));
  const check = (): boolean => {
    const { committed, used, busy } = sample();
    idle = busy < idleBelow ? idle + 1 : 0;
    // The first idle check after work: V8's measure of the allocation rate starts over here.
    if (idle === 1 && idleIntervals > 1) collect("young");
    if (idle < idleIntervals) return false;
    if (committed - used < slackBytes || committed - floor < slackBytes) return false;
    if (fruitless > 0 && idle - triedAt < retryEvery) return false;
    // V8 shrinks its young generation in a collection only when the allocation rate it measured
    // since the previous one is low: a second collection right after the first sees nearly none.
    collect();
    collect();
    const after = sample();
    if (after.committed - after.used < slackBytes || ++fruitless >= MAX_FRUITLESS) {
      floor = after.committed;
      fruitless = 0;
      idle = 0;
    } else {
      triedAt = idle;
    }
    return true;
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return {
    check,
    stop: () => clearInterval(timer),
  };
}

/** Samples of this process: each reads the event loop's utilization since the previous one. */
function processHeapSample(): () => HeapSample {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    const heap = getHeapStatistics();
    return { committed: heap.total_heap_size, used: heap.used_heap_size, busy: utilization };
  };
}
