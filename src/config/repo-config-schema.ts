import { z } from "zod";
import type { ARTIFACT_LIMIT_NAMES, ArtifactLimits } from "../artifact/artifact-limits.js";
import { ARTIFACT_LIMIT_BOUNDS, DEFAULT_ARTIFACT_LIMITS } from "../artifact/artifact-limits.js";

const LIMIT_DESCRIPTIONS: Record<keyof ArtifactLimits, string> = {
  maxBytes: "Largest accepted artifact file, in bytes.",
  maxDepth: "Deepest accepted nesting of arrays and objects in the artifact.",
  maxStringLength: "Longest accepted string in the artifact, in characters.",
  maxHits: "Most hits accepted in org_unregistered_hits.",
  maxZipBytes: "Largest accepted artifact zip archive, in bytes.",
  maxZipEntries: "Most entries accepted in the artifact zip archive.",
  maxUncompressedBytes: "Largest accepted total uncompressed size of the zip archive, in bytes.",
  maxCompressionRatio: "Largest accepted compression ratio of the artifact file in the zip (zip bomb guard).",
};

function limitField(key: keyof ArtifactLimits) {
  const { min, max } = ARTIFACT_LIMIT_BOUNDS[key];
  return z
    .int()
    .min(min)
    .max(max)
    .optional()
    .describe(`${LIMIT_DESCRIPTIONS[key]} Between ${min} and ${max}; default ${DEFAULT_ARTIFACT_LIMITS[key]}.`);
}

const limitShape = {
  max_bytes: limitField("maxBytes"),
  max_depth: limitField("maxDepth"),
  max_string_length: limitField("maxStringLength"),
  max_hits: limitField("maxHits"),
  max_zip_bytes: limitField("maxZipBytes"),
  max_zip_entries: limitField("maxZipEntries"),
  max_uncompressed_bytes: limitField("maxUncompressedBytes"),
  max_compression_ratio: limitField("maxCompressionRatio"),
} satisfies Record<(typeof ARTIFACT_LIMIT_NAMES)[keyof ArtifactLimits], ReturnType<typeof limitField>>;

const repositoryName = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, {
    message: 'expected a repository as "owner/name"',
  });

/** `owner/name` in which `*` stands for any run of characters other than `/`. */
const repositoryPattern = z
  .string()
  .max(140)
  .regex(/^[A-Za-z0-9*][A-Za-z0-9*-]{0,38}\/[A-Za-z0-9._*-]{1,100}$/, {
    message: 'expected a repository pattern as "owner/name", where * matches any characters but "/"',
  });

export const suppressionSchema = z
  .strictObject({
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { message: "expected a 64-character lowercase hex fingerprint" })
      .optional()
      .describe("Fingerprint of one finding, as shown in the digest."),
    repo: repositoryName.optional().describe('Repository of the findings, as "owner/name".'),
    path: z.string().min(1).max(1_024).optional().describe("Path of the findings within the repository."),
    pattern: z.string().min(1).max(256).optional().describe("Pattern of the findings."),
    reason: z.string().min(1).max(1_000).describe("Why the findings are suppressed (shown in the digest)."),
    until: z
      .union([z.iso.date(), z.iso.datetime({ offset: true })])
      .optional()
      .describe("Date (YYYY-MM-DD) or date-time after which the suppression no longer applies."),
  })
  .refine((s) => s.fingerprint !== undefined || s.repo !== undefined || s.path !== undefined || s.pattern !== undefined, {
    message: "a suppression needs at least one of fingerprint, repo, path or pattern",
  })
  .describe("Findings matching every given field are not reported.");

export const repoConfigSchema = z
  .strictObject({
    artifact: z
      .strictObject({
        name: z
          .string()
          .min(1)
          .max(256)
          .default("consumer-artifact")
          .describe("Name of the workflow run artifact that holds consumer_artifact.json."),
        require_signature: z
          .enum(["always", "forks", "never"])
          .optional()
          .describe(
            "When the artifact must carry a valid signature: always, for runs from forks (a run whose head repository is unknown counts as a fork), or never. Default: always when the app has signing keys (AUDIT_HMAC_KEYS), else forks. When a producer writes another repository's digest, the stricter of the two repositories' policies applies.",
          ),
      })
      .prefault({})
      .describe("Which artifact to take in and how much to trust it."),
    limits: z
      .strictObject(limitShape)
      .prefault({})
      .describe("Limits applied to the artifact and its zip archive; unset ones use the defaults."),
    digest: z
      .strictObject({
        repository: repositoryName
          .optional()
          .describe(
            'Repository the digest issue is filed in (its home), as "owner/name" in the same account; default the repository of the run. The home must accept this repository in its own digest.producers.',
          ),
        producers: z
          .array(repositoryPattern)
          .max(100)
          .default([])
          .describe(
            'Repositories, besides this one, whose runs may create, change, close or reopen the digests kept here, and where per-repository issues of those digests may be opened: "owner/name" patterns in which * matches any run of characters other than "/" (e.g. "acme/*"). Read from the home repository\'s config (or the organisation\'s .github config).',
          ),
        labels: z
          .array(z.string().min(1).max(50))
          .max(20)
          .default(["audit-digest"])
          .describe("Labels put on the digest issue."),
        title: z
          .string()
          .min(1)
          .max(256)
          .default("Audit digest: {audit_id}")
          .describe("Title of the digest issue; {audit_id} is replaced by the artifact's audit_id."),
      })
      .prefault({})
      .describe("The digest issue kept per audit_id."),
    issues: z
      .strictObject({
        mode: z
          .enum(["digest", "per-repo"])
          .default("digest")
          .describe("digest: one digest issue only; per-repo: also one issue in each affected repository."),
        max_new_per_run: z
          .int()
          .min(0)
          .max(1_000)
          .default(20)
          .describe("Most new per-repository issues opened by one ingest."),
      })
      .prefault({})
      .describe("Which issues are filed."),
    rate: z
      .strictObject({
        digest_only_below: z
          .int()
          .min(0)
          .max(15_000)
          .default(500)
          .describe("When fewer API requests than this remain in the hour, only the digest is updated."),
      })
      .prefault({})
      .describe("Behaviour when the API quota runs low."),
    fallback: z
      .strictObject({
        ttl_days: z
          .int()
          .min(1)
          .max(365)
          .default(7)
          .describe(
            "Days a fallback record is kept when the digest cannot be filed (a missing permission, issues disabled): the redacted findings wait this long to be filed once that is possible. Between 1 and 365; default 7.",
          ),
      })
      .prefault({})
      .describe("What happens to findings the app may not file as an issue."),
    suppressions: z.array(suppressionSchema).max(1_000).default([]).describe("Findings not to report."),
  })
  .describe("audit-digest configuration (.github/audit-digest.yml in a repository or in the organisation's .github repository).");

export type RepoConfig = z.output<typeof repoConfigSchema>;
export type RepoConfigInput = z.input<typeof repoConfigSchema>;
export type Suppression = z.output<typeof suppressionSchema>;
