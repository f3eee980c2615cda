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
 * Median CPU time in milliseconds of each function (the process's user + system time, so the
 * garbage collector's helper threads count), over a fixed number of iterations after one
 * warm-up round. CPU time, not wall time: on a machine busy with other processes a long call
 * is preempted more often than a short one, which inflates wall-time ratios between sizes; on
 * a quiet machine CPU time is close to wall time for this single-threaded work (a little above
 * it while the garbage collector works in parallel). The functions take turns within
 * each iteration, so a slow phase of the machine affects the baseline and the subjects alike
 * and their ratio stays meaningful.
 */
export function timeMedian<K extends string>(functions: Record<K, () => unknown>, iterations: number): Record<K, number> {
  const names = Object.keys(functions) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round <= iterations; round++) {
    for (const name of names) {
      const start = cpuMs();
      sink.push(functions[name]());
      const elapsed = cpuMs() - start;
      if (round > 0) samples[name].push(elapsed);
      sink.length = 0;
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name])])) as Record<K, number>;
}
