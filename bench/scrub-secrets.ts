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
  // URL-encoded credentials and tokens right after a percent escape.
  { name: "Authorization%3A%20Bearer%20", build: (n) => "Authorization%3A%20Bearer%20".repeat(n / 28) },
  { name: "Authorization%3A%20Bearer%20a…", build: (n) => "Authorization%3A%20Bearer%20" + "a".repeat(n) },
  { name: "authorization%3D", build: (n) => "authorization%3D".repeat(n / 16) },
  { name: "%22Authorization%22%3A%22", build: (n) => "%22Authorization%22%3A%22".repeat(n / 25) },
  { name: "authorization=Bearer+", build: (n) => "authorization=Bearer+".repeat(n / 21) },
  { name: "Bearer%20 then %2B…", build: (n) => "Bearer%20" + "%2B".repeat(n / 3) },
  { name: "Bearer+ then %252F…", build: (n) => "Bearer+" + "%252F".repeat(n / 5) },
  { name: "Basic%20 then %2F…", build: (n) => "Basic%20" + "%2F".repeat(n / 3) },
  { name: "Basic%20A", build: (n) => "Basic%20A".repeat(n / 9) },
  { name: "access_token%3D", build: (n) => "access_token%3D".repeat(n / 15) },
  { name: "token%3D then %41…", build: (n) => "token%3D" + "%41".repeat(n / 3) },
  { name: "%3DeyJa.", build: (n) => "%3DeyJa.".repeat(n / 8) },
  { name: "%20 then eyJa.eyJa.…", build: (n) => "%20" + "eyJa.".repeat(n / 5) },
  // Azure DevOps tokens.
  { name: "AZDO", build: (n) => "AZDO".repeat(n / 4) },
  { name: "%41 then A…", build: (n) => "%41" + "A".repeat(n) },
  { name: "%41A…", build: (n) => "%41AAAAAAAAAA".repeat(n / 13) },
  { name: "ADO_PAT=", build: (n) => "ADO_PAT=".repeat(n / 8) },
  { name: "pat= then k…", build: (n) => "pat=" + "k".repeat(n) },
  { name: "a_", build: (n) => "a_".repeat(n / 2) },
  { name: "a=", build: (n) => "a=".repeat(n / 2) },
  { name: "https://", build: (n) => "https://".repeat(n / 8) },
  { name: "https:// then k…@", build: (n) => "https://" + "k".repeat(n) + "@dev.azure.com" },
  { name: "https://u: then k…", build: (n) => "https://u:" + "k".repeat(n) },
  // Other vendors' prefixes.
  { name: "glrt-", build: (n) => "glrt-".repeat(n / 5) },
  { name: "SK then 0…", build: (n) => "SK" + "0".repeat(n) },
  { name: "hvs.", build: (n) => "hvs.".repeat(n / 4) },
  { name: ".atlasv1.", build: (n) => "aaaaaaaaaaaaaa.atlasv1.".repeat(n / 23) },
  { name: "glc_ then A…", build: (n) => "glc_" + "A".repeat(n) },
  { name: "sntrys_eyJ", build: (n) => "sntrys_eyJ".repeat(n / 10) },
  { name: "dp.st. then a…", build: (n) => "dp.st." + "a".repeat(n) },
  { name: "dp.st.", build: (n) => "dp.st.".repeat(n / 6) },
  { name: "ATATT3 then A…", build: (n) => "ATATT3" + "A".repeat(n) },
  { name: "AGE-SECRET-KEY-1", build: (n) => "AGE-SECRET-KEY-1".repeat(n / 16) },
];

const SMALL = 10_000;
const LARGE = 100_000;
const ITERATIONS = 5;
/**
 * Warm-up per input: the inputs run one after another through the same scrubber, which the first
 * ones have warmed already, and about 70 inputs at the default 400 ms would add half a minute.
 */
const WARM_UP_MS = 40;

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
      { iterations: ITERATIONS, warmUpMs: WARM_UP_MS },
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
