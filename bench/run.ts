import { performance } from "node:perf_hooks";
import { benchArtifactMemory } from "./artifact-memory.js";
import { formatBenchTable, type BenchTable } from "./bench-table.js";
import { benchIntake } from "./intake.js";
import { benchParseArtifact } from "./parse-artifact.js";
import { benchMemory } from "./memory.js";
import { benchQueueDrain } from "./queue-drain.js";
import { benchRenderDigest } from "./render-digest.js";
import { benchRequestsPerIngest } from "./requests-per-ingest.js";
import { benchScrubSecrets } from "./scrub-secrets.js";
import { benchThroughput } from "./throughput.js";

/** Every benchmark, in the order printed. Each runs a fixed amount of work. */
const BENCHMARKS: Array<{ name: string; run: () => BenchTable | BenchTable[] | Promise<BenchTable | BenchTable[]> }> = [
  { name: "requests per ingest", run: benchRequestsPerIngest },
  { name: "render digest", run: benchRenderDigest },
  { name: "parse artifact", run: benchParseArtifact },
  { name: "artifact memory", run: benchArtifactMemory },
  { name: "scrub secrets", run: benchScrubSecrets },
  { name: "intake", run: benchIntake },
  { name: "queue drain", run: benchQueueDrain },
  { name: "throughput", run: benchThroughput },
  { name: "memory", run: benchMemory },
];

/** `npm run bench -- "render digest" "parse artifact"` runs only the benchmarks named. */
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(", ")}; known: ${BENCHMARKS.map((benchmark) => benchmark.name).join(", ")}`);
  process.exit(2);
}
const selected = wanted.length === 0 ? BENCHMARKS : BENCHMARKS.filter((benchmark) => wanted.includes(benchmark.name));

const started = performance.now();
console.log(`audit-digest benchmarks · Node ${process.version} · ${process.platform}/${process.arch}\n`);
for (const benchmark of selected) {
  const start = performance.now();
  const tables = [await benchmark.run()].flat();
  for (const table of tables) console.log(`${formatBenchTable(table)}\n`);
  console.log(`(${benchmark.name}: ${((performance.now() - start) / 1000).toFixed(1)} s)\n`);
}
console.log(`${selected === BENCHMARKS ? "All benchmarks" : selected.map((benchmark) => benchmark.name).join(", ")} done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
