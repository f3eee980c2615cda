import { z } from "zod";

/** GitHub repository as `owner/name`. */
export const REPOSITORY_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;

/** Relative path inside a repository (see `relativePath`). */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
export const RELATIVE_PATH_PATTERN = /^(?!\/)(?![A-Za-z]:)(?!(?:[\s\S]*[/\\])?\.\.(?:[/\\]|$))[^\u0000-\u001f]+$/;

/** Length bounds of a hit's text fields, in UTF-16 code units (shared with the hand check of hits). */
export const HIT_FIELD_LENGTHS = Object.freeze({
  repoMax: 140,
  pathMax: 1_024,
  patternMax: 256,
  snippetMax: 2_000,
  ruleIdMax: 256,
});

const repositoryName = z.string().max(HIT_FIELD_LENGTHS.repoMax).regex(REPOSITORY_NAME_PATTERN, {
  message: 'expected a repository as "owner/name"',
});

/**
 * Relative path inside a repository: no leading '/', no drive letter, no '..' segment
 * (with '/' or '\\' as separator), no control characters. A regex rather than refinements so that the
 * published JSON Schema enforces it too.
 */
const relativePath = z
  .string()
  .min(1)
  .max(HIT_FIELD_LENGTHS.pathMax)
  .regex(RELATIVE_PATH_PATTERN, {
    message: "expected a relative path (no leading '/', no drive letter, no '..' segment, no control characters)",
  });

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const hitSchema = z
  .looseObject({
    repo: repositoryName.describe('Repository the finding is in, as "owner/name".'),
    path: relativePath.describe(
      "Path of the file within the repository: relative, no '..' segment, no leading '/', at most 1,024 characters.",
    ),
    line_number: z.int().min(1).describe("Line of the finding, 1-based. Not part of the finding's identity."),
    pattern: z.string().min(1).max(HIT_FIELD_LENGTHS.patternMax).describe("The pattern that matched, 1–256 characters."),
    snippet: z
      .string()
      .max(HIT_FIELD_LENGTHS.snippetMax)
      .optional()
      .describe("The matching source text, at most 2,000 characters. May hold secrets; it is redacted before display."),
    severity: z
      .enum(SEVERITIES)
      .default("medium")
      .describe("How serious the finding is: low, medium (default), high or critical."),
    rule_id: z
      .string()
      .min(1)
      .max(HIT_FIELD_LENGTHS.ruleIdMax)
      .optional()
      .describe("Identifier of the scanner rule; identifies the finding when there is no snippet."),
  })
  .describe("One unregistered hit: a use of a pattern that is not registered where it should be.");

export const signatureSchema = z
  .looseObject({
    alg: z.literal("hmac-sha256").describe('Signature algorithm; only "hmac-sha256".'),
    key_id: z
      .string()
      .min(1)
      .max(128)
      .describe("Identifier of the key used, as listed in AUDIT_HMAC_KEYS (key_id:secret)."),
    value: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, { message: "expected 64 hexadecimal characters" })
      .describe("Hex HMAC-SHA256 over the RFC 8785 canonical JSON of the artifact without its signature member."),
  })
  .describe("HMAC signature over the rest of the artifact.");

export const consumerArtifactSchema = z
  .looseObject({
    schema_version: z.literal(1).describe("Version of this schema; the integer 1."),
    audit_id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, {
        message: "expected letters, digits and . _ : / - (starting with a letter or digit)",
      })
      .describe("Names the audit; one digest issue is kept per audit_id. 1–128 characters."),
    generated_at: z.iso.datetime({ offset: true }).describe("When the artifact was produced (RFC 3339 date-time)."),
    tool: z
      .looseObject({
        name: z.string().min(1).max(256).describe("Name of the scanner."),
        version: z.string().min(1).max(256).describe("Version of the scanner."),
      })
      .describe("The scanner that produced the artifact."),
    source: z
      .looseObject({
        repository: repositoryName.describe('Repository whose CI produced the artifact, as "owner/name".'),
        sha: z
          .string()
          .regex(/^[0-9a-fA-F]{40}$/, { message: "expected a 40-character hexadecimal commit SHA" })
          .describe("Commit the scan ran on (40 hex characters)."),
        run_id: z.int().min(1).optional().describe("GitHub Actions run id that produced the artifact."),
        ref: z.string().min(1).max(1_024).optional().describe("Git ref the scan ran on."),
      })
      .optional()
      .describe("Where the artifact was produced."),
    complete: z
      .boolean()
      .default(true)
      .describe("false marks a partial scan: its findings are reported but it never closes anything. Default true."),
    org_unregistered_hits: z
      .array(hitSchema)
      .describe("The findings; may be empty. At most limits.max_hits entries (default 100,000)."),
    signature: signatureSchema.optional(),
  })
  .describe(
    "Consumer artifact, schema version 1. Unknown fields are kept, covered by the signature and reported as warnings.",
  );

export type ConsumerArtifact = z.output<typeof consumerArtifactSchema>;
export type ConsumerArtifactInput = z.input<typeof consumerArtifactSchema>;
export type Hit = z.output<typeof hitSchema>;
export type ArtifactSignature = z.output<typeof signatureSchema>;

/** Fields the schema knows, per object, for unknown-field warnings. */
export const KNOWN_ARTIFACT_FIELDS = {
  root: new Set(Object.keys(consumerArtifactSchema.shape)),
  tool: new Set(["name", "version"]),
  source: new Set(["repository", "sha", "run_id", "ref"]),
  signature: new Set(Object.keys(signatureSchema.shape)),
  hit: new Set(Object.keys(hitSchema.shape)),
} as const;
