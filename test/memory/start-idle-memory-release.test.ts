import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { loadGarbageCollector } from "../../src/memory/load-garbage-collector.js";
import { startIdleMemoryRelease, type HeapSample, type IdleMemoryRelease } from "../../src/memory/start-idle-memory-release.js";

const MB = 1024 * 1024;
const started: IdleMemoryRelease[] = [];
afterEach(() => {
  for (const release of started.splice(0)) release.stop();
});

/** A release whose heap readings and collections the test decides; the timer is far away, checks are called directly. */
function scripted(readings: HeapSample[], idleIntervals = 1, intervalMs = 3_600_000) {
  /** The number of readings taken before each full collection, and before each young one. */
  const collections: number[] = [];
  const young: number[] = [];
  let reads = 0;
  const release = startIdleMemoryRelease({
    intervalMs,
    idleIntervals,
    slackBytes: 12 * MB,
    idleBelow: 0.1,
    sample: () => readings[Math.min(reads++, readings.length - 1)]!,
    collect: (generation) => (generation === "young" ? young : collections).push(reads),
  });
  started.push(release);
  return { release, collections, young };
}

describe("startIdleMemoryRelease", () => {
  it("collects once an idle process holds a heap far larger than its objects, and not again until the heap grows back", () => {
    const { release, collections } = scripted([
      { committed: 54 * MB, used: 24 * MB, busy: 0.02 }, // after start-up: idle, 30 MB held beyond the objects
      { committed: 24 * MB, used: 19 * MB, busy: 0.02 }, // read right after the collection
      { committed: 34 * MB, used: 20 * MB, busy: 0.02 }, // 14 MB slack, but only 10 MB above the heap right after the collection
      { committed: 34 * MB, used: 20 * MB, busy: 0.02 },
      { committed: 56 * MB, used: 30 * MB, busy: 0.9 }, // a burst of deliveries: left to V8
      { committed: 56 * MB, used: 30 * MB, busy: 0.03 }, // idle again after it
      { committed: 25 * MB, used: 20 * MB, busy: 0.03 },
    ]);
    expect(release.check()).toBe(true);
    expect(release.check()).toBe(false);
    expect(release.check()).toBe(false);
    expect(release.check()).toBe(false);
    expect(release.check()).toBe(true);
    // Each time two collections back to back, so that V8 also shrinks its young generation.
    expect(collections).toEqual([1, 1, 6, 6]);
  });

  it("waits for the given number of idle intervals in a row, the first of them ended by a young collection", () => {
    const bloated = { committed: 54 * MB, used: 24 * MB, busy: 0.02 };
    const { release, collections, young } = scripted([bloated, bloated, { ...bloated, busy: 0.8 }, bloated, bloated, bloated, { committed: 24 * MB, used: 19 * MB, busy: 0 }], 3);
    expect([release.check(), release.check(), release.check(), release.check(), release.check()]).toEqual([false, false, false, false, false]);
    expect(release.check()).toBe(true);
    expect(collections).toEqual([6, 6]);
    // At the first idle check after work (the start, then the busy interval), so that the full
    // collections two checks later are the first V8 measures an idle allocation rate for.
    expect(young).toEqual([1, 4]);
  });

  it("after collections that gave nothing back, tries again at each idle check, five times, then waits for the heap to grow", () => {
    const bloated = { committed: 54 * MB, used: 24 * MB, busy: 0.02 };
    const { release, collections, young } = scripted([bloated], 3);
    const checks = Array.from({ length: 10 }, () => release.check());
    expect(checks).toEqual([false, false, true, true, true, true, true, false, false, false]);
    expect(collections).toHaveLength(10);
    // Young collections at the first check and at the eighth, whose idle run starts over once the retries end (readings 1 and 13).
    expect(young).toEqual([1, 13]);
  });

  it("checking every second, tries again every other idle check (every 2 s), five times", () => {
    const bloated = { committed: 54 * MB, used: 24 * MB, busy: 0.02 };
    const { release, collections } = scripted([bloated], 3, 1_000);
    const checks = Array.from({ length: 14 }, () => release.check());
    expect(checks).toEqual([false, false, true, false, true, false, true, false, true, false, true, false, false, false]);
    expect(collections).toHaveLength(10);
  });

  it("after a collection that gave nothing back, one that does ends the retries", () => {
    const bloated = { committed: 54 * MB, used: 24 * MB, busy: 0.02 };
    const shrunk = { committed: 24 * MB, used: 19 * MB, busy: 0.02 };
    const { release, collections } = scripted([bloated, bloated, bloated, shrunk, shrunk, shrunk, shrunk]);
    expect([release.check(), release.check(), release.check(), release.check()]).toEqual([true, true, false, false]);
    expect(collections).toEqual([1, 1, 3, 3]);
  });

  it("leaves a busy process to V8, however much its heap holds", () => {
    const { release, collections, young } = scripted([{ committed: 200 * MB, used: 40 * MB, busy: 0.5 }], 3);
    for (let i = 0; i < 5; i++) expect(release.check()).toBe(false);
    expect(collections).toHaveLength(0);
    expect(young).toHaveLength(0);
  });

  it("does not collect an idle process whose heap holds little beyond its objects", () => {
    const { release, collections } = scripted([{ committed: 30 * MB, used: 20 * MB, busy: 0 }]);
    for (let i = 0; i < 5; i++) expect(release.check()).toBe(false);
    expect(collections).toHaveLength(0);
  });
});

describe("loadGarbageCollector", () => {
  it("collects the garbage of a burst of allocations, and leaves no gc global to other code", () => {
    const collect = loadGarbageCollector();
    collect();
    const before = getHeapStatistics().used_heap_size;
    expect(allocateBurst(200_000)).toBeGreaterThan(8 * MB);
    collect();
    expect(getHeapStatistics().used_heap_size - before).toBeLessThan(2 * MB);
    expect(runInNewContext("typeof gc")).toBe("undefined");
  });

  it("with \"young\", collects the young generation only; without, the whole heap", async () => {
    const collect = loadGarbageCollector();
    const kinds = await gcKindsOf(() => {
      collect("young");
      collect();
    });
    expect(kinds).toEqual([constants.NODE_PERFORMANCE_GC_MINOR, constants.NODE_PERFORMANCE_GC_MAJOR]);
  });

  it("with the process's own heap readings, a check after a burst collects it (any event loop load counted as idle)", () => {
    const release = startIdleMemoryRelease({ collect: loadGarbageCollector(), intervalMs: 3_600_000, idleIntervals: 1, slackBytes: 8 * MB, idleBelow: 1.01 });
    started.push(release);
    expect(allocateBurst(300_000)).toBeGreaterThan(8 * MB);
    const used = getHeapStatistics().used_heap_size;
    expect(release.check()).toBe(true);
    expect(used - getHeapStatistics().used_heap_size).toBeGreaterThan(8 * MB);
  });
});

/** The kinds of the collections `work` runs (only it runs: nothing allocates while it does). */
async function gcKindsOf(work: () => void): Promise<number[]> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  work();
  // Entries are delivered after the collections, from the event loop.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return entries.map((entry) => (entry as PerformanceEntry & { detail: { kind: number } }).detail.kind);
}

/** Allocates `count` small objects that are garbage once it returns; returns how much the heap's use grew while they lived. */
function allocateBurst(count: number): number {
  const before = getHeapStatistics().used_heap_size;
  const burst = Array.from({ length: count }, (_, i) => ({ i, text: `finding ${i}` }));
  return getHeapStatistics().used_heap_size - before + (burst.length - count);
}
