import { DEFAULT_ARTIFACT_LIMITS } from "../../artifact/artifact-limits.js";
import { parseArtifact } from "../../artifact/parse-artifact.js";
import { parseHmacKeys } from "../../artifact/parse-hmac-keys.js";
import { summarizeHits } from "../../artifact/summarize-hits.js";
import { checkGeneratedAt } from "../../artifact/check-provenance.js";
import { judgeSignature, resolveSignaturePolicy, signatureRequired, type SignaturePolicy } from "../../artifact/signature-policy.js";
import type { CliCommand } from "../cli-command.js";
import type { CliIo } from "../cli-io.js";
import { ExitCode } from "../exit-code.js";
import { parseFileCommand } from "../parse-command-args.js";
import { readInput } from "../read-input.js";

const usage = `usage: audit-digest validate <file|-> [--policy always|forks|never] [--fork] [--require-hmac] [--json]

Checks a consumer artifact (use - for standard input) against schema version 1,
its limits, its generated_at, and its HMAC signature, with the same signature
policy the app applies.

  --policy P      artifact.require_signature to apply (default: always when
                  AUDIT_HMAC_KEYS is set, else forks)
  --fork          judge the artifact as coming from a fork's run
  --require-hmac  fail unless the artifact carries a valid signature (--policy always)
  --json          print a machine-readable report on standard output
  -h, --help      show this help

A signature is checked against the keys in AUDIT_HMAC_KEYS (key_id:secret, comma-separated).
Exit codes: 0 valid, 1 usage or I/O error, 2 parse or schema error (also too large,
too deep, or generated_at in the future), 3 signature missing while required,
unknown key_id, or mismatch.
`;

const POLICIES: readonly SignaturePolicy[] = ["always", "forks", "never"];

export type SignatureStatus =
  | "valid"
  | "missing"
  | "not_verified"
  | "malformed"
  | "bad_alg"
  | "unknown_key"
  | "mismatch"
  | "not_checked";

/** An error or warning in the report: a JSON path ("" for the whole file), a code and a message. */
export interface ReportEntry {
  path: string;
  /** An ArtifactError or ArtifactWarning code, or one of io, hmac_keys, signature, signature_not_verified. */
  code: string;
  message: string;
}

/** What `audit-digest validate --json` prints. */
export interface ValidateReport {
  file: string;
  valid: boolean;
  exit_code: number;
  errors: ReportEntry[];
  warnings: ReportEntry[];
  signature: { status: SignatureStatus; key_id?: string; message: string };
  artifact: {
    audit_id: string;
    complete: boolean;
    hits: number;
    by_severity: Record<string, number>;
    by_repository: { repository: string; total: number }[];
  } | null;
}

function emit(io: CliIo, json: boolean, report: ValidateReport): number {
  if (json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.exit_code;
  }
  for (const warning of report.warnings) {
    io.stderr.write(`${report.file}: warning: ${warning.path === "" ? "" : `${warning.path}: `}${warning.message}\n`);
  }
  for (const error of report.errors) {
    io.stderr.write(`${report.file}: error: ${error.path === "" ? "" : `${error.path}: `}${error.message}\n`);
  }
  if (report.valid && report.artifact !== null) {
    const a = report.artifact;
    io.stdout.write(
      `${report.file}: valid (audit_id ${JSON.stringify(a.audit_id)}, ${a.hits} hit${a.hits === 1 ? "" : "s"}; ${report.signature.message})\n`,
    );
  }
  return report.exit_code;
}

async function execute(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseFileCommand({
    command: "validate",
    args,
    options: {
      "require-hmac": { type: "boolean" },
      policy: { type: "string" },
      fork: { type: "boolean" },
      json: { type: "boolean" },
    },
    usage,
    io,
  });
  if (!parsed.ok) return parsed.exitCode;
  const { file } = parsed;
  const json = parsed.values.json === true;
  const requireHmac = parsed.values["require-hmac"] === true;
  const fromFork = parsed.values.fork === true;
  const policyValue = parsed.values.policy;
  if (policyValue !== undefined && !POLICIES.includes(policyValue as SignaturePolicy)) {
    io.stderr.write(`audit-digest validate: --policy must be one of ${POLICIES.join(", ")}\n\n${usage}`);
    return ExitCode.usage;
  }
  const configuredPolicy = policyValue as SignaturePolicy | undefined;
  const label = file === "-" ? "(stdin)" : file;
  const report: ValidateReport = {
    file: label,
    valid: false,
    exit_code: ExitCode.usage,
    errors: [],
    warnings: [],
    signature: { status: "not_checked", message: "signature not checked" },
    artifact: null,
  };

  const keys = parseHmacKeys(io.env.AUDIT_HMAC_KEYS);
  if (!keys.ok) {
    return emit(io, json, { ...report, errors: keys.errors.map((message) => ({ path: "", code: "hmac_keys", message })) });
  }

  const input = await readInput(file, io, DEFAULT_ARTIFACT_LIMITS.maxBytes);
  if (!input.ok) {
    const code = input.reason === "too_large" ? "too_large" : "io";
    const exit = input.reason === "too_large" ? ExitCode.invalid : ExitCode.usage;
    return emit(io, json, { ...report, exit_code: exit, errors: [{ path: "", code, message: input.message }] });
  }

  const result = parseArtifact(input.bytes);
  if (!result.ok) return emit(io, json, { ...report, exit_code: ExitCode.invalid, errors: result.errors });

  const summary = summarizeHits(result.artifact.org_unregistered_hits);
  const checked: ValidateReport = {
    ...report,
    warnings: result.warnings,
    artifact: {
      audit_id: result.artifact.audit_id,
      complete: result.artifact.complete,
      hits: summary.total,
      by_severity: summary.bySeverity,
      by_repository: summary.byRepository.map(({ repository, total }) => ({ repository, total })),
    },
  };

  const future = checkGeneratedAt({ generatedAt: result.artifact.generated_at, now: new Date() });
  if (future) return emit(io, json, { ...checked, exit_code: ExitCode.invalid, errors: [future] });

  const policy = resolveSignaturePolicy({ configured: requireHmac ? "always" : configuredPolicy, keys: keys.keys });
  const required = signatureRequired({ policy, fromFork });
  const judgement = judgeSignature({ document: result.document, keys: keys.keys, required });
  const verdict = judgement.verdict;
  const keyId = "keyId" in verdict ? { key_id: verdict.keyId } : {};
  if (judgement.ok) {
    if (verdict.status === "valid") {
      return emit(io, json, { ...checked, valid: true, exit_code: ExitCode.ok, signature: { status: "valid", ...keyId, message: judgement.description } });
    }
    if (verdict.status === "missing") {
      return emit(io, json, { ...checked, valid: true, exit_code: ExitCode.ok, signature: { status: "missing", message: "unsigned" } });
    }
    return emit(io, json, {
      ...checked,
      valid: true,
      exit_code: ExitCode.ok,
      warnings: [...checked.warnings, { path: "signature", code: "signature_not_verified", message: judgement.description }],
      signature: { status: "not_verified", ...keyId, message: judgement.description },
    });
  }
  const errorMessage = verdict.status === "missing" ? `signature missing, but policy "${policy}" requires one${requireHmac ? " (--require-hmac)" : ""}` : judgement.error;
  return emit(io, json, {
    ...checked,
    exit_code: ExitCode.signature,
    errors: [{ path: "signature", code: "signature", message: errorMessage }],
    signature: { status: verdict.status, ...keyId, message: errorMessage },
  });
}

export const validateCommand: CliCommand = {
  name: "validate",
  usage,
  execute,
};
