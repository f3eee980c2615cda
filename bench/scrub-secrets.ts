import { scrubSecrets } from "../src/artifact/scrub-secrets.js";
import { formatMs, formatRatio, type BenchTable } from "./bench-table.js";
import { timeMedian } from "./time-median.js";

/**
 * Inputs that make a careless secret pattern backtrack: runs of a pattern's prefix, keyword or
 * separator with no valid end. Each is built at 10 KB and at 100 KB.
 */
const PATHOLOGICAL: Array<{ name: string; build: (size: number) => string }> = [
  { name: "plain letters", build: (n) => "a".repeat(n) },
  { name: "eyJ-", build: (n) => "eyJ-".repeat(n / 4) },
  { name: "eyJa.", build: (n) => "eyJa.".repeat(n / 5) },
  { name: "ghp_", build: (n) => "ghp_".repeat(n / 4) },
  { name: "password=", build: (n) => "password=".repeat(n / 9) },
  { name: "token= …x", build: (n) => "token=".repeat(n / 6) + "x" },
  { name: 'secret="\\\\…', build: (n) => 'secret="' + "\\".repeat(n) },
  { name: "BEGIN PRIVATE KEY", build: (n) => "-----BEGIN PRIVATE KEY-----".repeat(n / 27) },
  { name: "-----BEGIN ", build: (n) => "-----BEGIN ".repeat(n / 11) },
  { name: "a://", build: (n) => "a://".repeat(n / 4) },
  { name: "x://u:", build: (n) => "x://u:".repeat(n / 6) },
  { name: "x://u: then @…", build: (n) => "x://u:" + "@".repeat(n) },
  { name: "a: …@", build: (n) => "a:".repeat(n / 2) + "@" },
  { name: "xoxb-", build: (n) => "xoxb-".repeat(n / 5) },
  { name: "AKIA", build: (n) => "AKIA".repeat(n / 4) },
  { name: "spaces", build: (n) => " ".repeat(n) + "x" },
  { name: "@", build: (n) => "@".repeat(n) },
  { name: 'password="', build: (n) => 'password="'.repeat(n / 10) },
  { name: "token: 'a", build: (n) => "token: 'a".repeat(n / 9) },
  { name: "x:// then :…", build: (n) => "x://" + ":".repeat(n) },
  { name: "authorization=", build: (n) => "authorization=".repeat(n / 14) },
  { name: "Authorization: Bearer ", build: (n) => "Authorization: Bearer ".repeat(n / 22) },
  { name: "Bearer a…", build: (n) => "Bearer " + "a".repeat(n) },
  { name: "Basic A…", build: (n) => "Basic " + "A".repeat(n) },
  { name: "sk-", build: (n) => "sk-".repeat(n / 3) },
  { name: "sk- then a…", build: (n) => "sk-" + "a".repeat(n) },
  { name: "AccountKey=", build: (n) => "AccountKey=".repeat(n / 11) },
  { name: "SharedAccessSignature=", build: (n) => "SharedAccessSignature=".repeat(n / 22) },
  { name: "&sig=", build: (n) => "&sig=".repeat(n / 5) },
  { name: ";Password=", build: (n) => ";Password=".repeat(n / 10) },
  { name: "?token=", build: (n) => "?token=".repeat(n / 7) },
  { name: "_authToken=", build: (n) => "_authToken=".repeat(n / 11) },
  { name: "abc1Q~", build: (n) => "abc1Q~".repeat(n / 6) },
  { name: "ops_eyJ", build: (n) => "ops_eyJ".repeat(n / 7) },
  { name: "https://u:p@…@", build: (n) => "https://u:p" + "@x".repeat(n / 2) },
];

const SMALL = 10_000;
const LARGE = 100_000;
const ITERATIONS = 5;

/**
 * Times `scrubSecrets` on each pathological input at 10 KB and 100 KB. Linear work gives about
 * 10× from the small to the large input; a pattern that backtracks gives 100× or more. The
 * baseline is `toLowerCase` of the same text (one plain pass), timed in the same iterations.
 */
export function benchScrubSecrets(): BenchTable {
  const rows = PATHOLOGICAL.map(({ name, build }) => {
    const small = build(SMALL);
    const large = build(LARGE);
    const times = timeMedian(
      {
        baseline: () => large.toLowerCase(),
        small: () => scrubSecrets(small),
        large: () => scrubSecrets(large),
      },
      ITERATIONS,
    );
    return [name, formatMs(times.small), formatMs(times.large), formatRatio(times.large / times.small), formatRatio(times.large / times.baseline)];
  });
  return {
    title: "Secret scrubbing on pathological inputs (median CPU time; ratios measured in this run)",
    headers: ["input", "10 KB ms", "100 KB ms", "× 10 KB", "× toLowerCase"],
    rows,
    notes: [
      "× 10 KB: time at 100 KB over time at 10 KB of the same input; linear work gives about 10×, quadratic about 100×.",
      "× toLowerCase: time over one plain pass over the same 100 KB. Absolute ms are for information only.",
    ],
  };
}
