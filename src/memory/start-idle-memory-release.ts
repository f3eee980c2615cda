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
  /** Time between checks (default 5 s). */
  intervalMs?: number;
  /** Heap held beyond what objects use that makes an idle process collect (default 12 MB). */
  slackBytes?: number;
  /** Event loop utilization below which an interval counts as idle (default 0.1). */
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
 * Gives the heap a burst of work left behind back to the system once the process is idle.
 *
 * V8 sizes its young generation by the recent rate of surviving allocations: loading the app at
 * start-up, or a burst of deliveries and ingests, grows it to its largest (two 16 MB
 * semi-spaces), and it stays that large, resident, with the garbage of the burst, until V8's own
 * memory reducer judges the process idle, which takes from tens of seconds to minutes. A
 * replica spends most of its life idle between bursts, so every `intervalMs` this checks: when
 * the last interval was idle (event loop utilization under `idleBelow`) and the heap holds
 * `slackBytes` more than its objects use, and more than right after the previous collection,
 * it runs one full collection, which also shrinks the young generation back. A busy process is
 * left to V8; an idle one collects once per burst (a few tens of milliseconds of a heap this
 * size), not on every check.
 */
export function startIdleMemoryRelease({
  collect,
  intervalMs = 5_000,
  slackBytes = 12 * MB,
  idleBelow = 0.1,
  sample = processHeapSample(),
}: IdleMemoryReleaseOptions): IdleMemoryRelease {
  /** Heap committed right after the last collection; a check collects again only once it grew past this by `slackBytes`. */
  let floor = 0;
  const check = (): boolean => {
    const { committed, used, busy } = sample();
    if (busy >= idleBelow) return false;
    if (committed - used < slackBytes || committed - floor < slackBytes) return false;
    collect();
    floor = sample().committed;
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
