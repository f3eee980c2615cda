/** Results are kept here so the engine cannot drop the work being timed. */
const sink: unknown[] = [];

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** CPU time the process has used so far (user + system, garbage collector threads included), in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time spent warming up before the timed iterations, unless the caller says otherwise:
 * enough calls for the engine to have optimized the functions being timed (a few hundred at
 * 1,000 findings), whatever their size.
 */
const WARM_UP_MS = 400;

export interface TimeMedianOptions {
  /** Timed rounds, after the warm-up. */
  iterations: number;
  /** CPU time of warm-up rounds before timing (at least one round); default WARM_UP_MS. */
  warmUpMs?: number;
}

/**
 * Median CPU time in milliseconds of each function (the process's user + system time, so the
 * garbage collector's helper threads count), over a fixed number of iterations after warm-up
 * rounds that last `warmUpMs` of CPU time (at least one). Without them the first size timed
 * would be measured partly before the engine optimized it: at 1,000 findings a median of 21
 * calls after a single warm-up ran 2–3× the optimized time, and by different amounts in
 * different runs, so every ratio to that size was flattered and swung between runs. CPU time,
 * not wall time: on a machine busy with other processes a long call is preempted more often
 * than a short one, which inflates wall-time ratios between sizes; on a quiet machine CPU time
 * is close to wall time for this single-threaded work (a little above it while the garbage
 * collector works in parallel). The functions take turns within each iteration, so a slow
 * phase of the machine affects the baseline and the subjects alike and their ratio stays
 * meaningful.
 */
export function timeMedian<K extends string>(
  functions: Record<K, () => unknown>,
  { iterations, warmUpMs = WARM_UP_MS }: TimeMedianOptions,
): Record<K, number> {
  const names = Object.keys(functions) as K[];
  const round = (): void => {
    for (const name of names) sink.push(functions[name]());
    sink.length = 0;
  };
  const warmUpStart = cpuMs();
  do round();
  while (cpuMs() - warmUpStart < warmUpMs);
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let iteration = 0; iteration < iterations; iteration++) {
    for (const name of names) {
      const start = cpuMs();
      sink.push(functions[name]());
      samples[name].push(cpuMs() - start);
      sink.length = 0;
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name])])) as Record<K, number>;
}
