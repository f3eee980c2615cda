import { copyFile, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { ARTIFACT_FILE_NAME } from "../../artifact/extract-artifact-json.js";
import { parseHmacKeys } from "../../artifact/parse-hmac-keys.js";
import type { SignaturePolicy } from "../../artifact/signature-policy.js";
import type { CliIo, CliOutput } from "../cli-io.js";
import { signCommand } from "../commands/sign-command.js";
import { validateCommand, type ReportEntry, type ValidateReport } from "../commands/validate-command.js";
import { describeFsError } from "../describe-fs-error.js";
import { ExitCode } from "../exit-code.js";
import { appendStepOutputs } from "./append-step-outputs.js";
import { formatWorkflowCommand } from "./format-workflow-command.js";
import { readActionInputs } from "./read-action-inputs.js";

export interface ActionIo {
  /** The step's environment: the action's `INPUT_*`, `RUNNER_TEMP`, `GITHUB_OUTPUT`, `GITHUB_WORKSPACE`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Where annotations and the summary line go (the runner reads workflow commands there). */
  readonly stdout: CliOutput;
}

/**
 * The reusable action's step: validates the artifact the workflow wrote, signs it when given a
 * key, checks the result as the app will (schema, limits, `generated_at`, signature policy),
 * and leaves it as `consumer_artifact.json` alone in a fresh folder, ready to upload: the app
 * reads that name at the root of the artifact's zip. Each problem is an annotation on the
 * artifact file naming the field. Resolves to the command line's exit codes: 0 ready,
 * 1 input or file error, 2 the artifact is not valid, 3 signature.
 */
export async function runAction({ env, cwd, stdout }: ActionIo): Promise<number> {
  const fail = (message: string, exitCode: number): number => {
    stdout.write(formatWorkflowCommand({ command: "error", properties: { title: "audit-digest" }, message }));
    return exitCode;
  };
  const read = readActionInputs(env);
  if (!read.ok) return fail(read.message, ExitCode.usage);
  const { path: file, signing, policy } = read.inputs;

  const keysEnv = signing === undefined ? undefined : `${signing.keyId}:${signing.secret}`;
  if (keysEnv !== undefined) {
    const keys = parseHmacKeys(keysEnv);
    if (!keys.ok) return fail(`inputs key-id and signing-key do not make a usable key: ${keys.errors.join("; ")}`, ExitCode.usage);
  }

  const annotationFile = relativeToWorkspace({ file: path.resolve(cwd, file), workspace: env.GITHUB_WORKSPACE ?? cwd });
  // The artifact as the workflow wrote it. When signing, its signature (if any) is replaced, so only its contents are judged here.
  const written = await validate({ file, cwd, keysEnv: undefined, policy: signing === undefined ? policy : "never" });
  if (!written.ok) return fail(written.message, ExitCode.usage);
  // A signature about to be replaced is not worth a warning.
  const warnings = signing === undefined ? written.report.warnings : written.report.warnings.filter((warning) => warning.path !== "signature");
  annotate({ stdout, file: annotationFile, report: { ...written.report, warnings } });
  if (written.report.exit_code !== ExitCode.ok) return written.report.exit_code;

  let outDir: string;
  try {
    outDir = await mkdtemp(path.join(env.RUNNER_TEMP || os.tmpdir(), "audit-digest-"));
  } catch (error) {
    return fail(`cannot create a folder for the artifact to upload: ${describeFsError(error)}`, ExitCode.usage);
  }
  const outFile = path.join(outDir, ARTIFACT_FILE_NAME);
  if (signing === undefined) {
    try {
      await copyFile(path.resolve(cwd, file), outFile);
    } catch (error) {
      return fail(`cannot copy ${file} to ${outFile}: ${describeFsError(error)}`, ExitCode.usage);
    }
  } else {
    const signed = await runCommand({
      execute: signCommand.execute,
      args: [file, "--key-id", signing.keyId, "--output", outFile],
      cwd,
      env: { AUDIT_HMAC_KEYS: keysEnv },
    });
    if (signed.exitCode !== ExitCode.ok) return fail(`cannot sign ${file}: ${signed.stderr.trim()}`, signed.exitCode);
  }

  // The file to upload, judged as the app judges it with the same key.
  const ready = await validate({ file: outFile, cwd, keysEnv, policy });
  if (!ready.ok) return fail(ready.message, ExitCode.usage);
  if (ready.report.exit_code !== ExitCode.ok) {
    annotate({ stdout, file: annotationFile, report: { ...ready.report, warnings: [] } });
    return ready.report.exit_code;
  }

  const artifact = ready.report.artifact;
  const outputs = {
    path: outFile,
    "audit-id": artifact?.audit_id ?? "",
    hits: String(artifact?.hits ?? 0),
    signature: ready.report.signature.status,
  };
  if (env.GITHUB_OUTPUT) {
    try {
      await appendStepOutputs({ file: env.GITHUB_OUTPUT, outputs });
    } catch (error) {
      return fail(`cannot write the step outputs to GITHUB_OUTPUT: ${describeFsError(error)}`, ExitCode.usage);
    }
  }
  stdout.write(
    `${file}: valid (audit_id ${JSON.stringify(outputs["audit-id"])}, ${outputs.hits} hit${outputs.hits === "1" ? "" : "s"}; ` +
      `${ready.report.signature.message}); ready to upload as ${outFile}\n`,
  );
  return ExitCode.ok;
}

type Validated = { ok: true; report: ValidateReport } | { ok: false; message: string };

async function validate({ file, cwd, keysEnv, policy }: { file: string; cwd: string; keysEnv: string | undefined; policy: SignaturePolicy | undefined }): Promise<Validated> {
  const args = [file, "--json", ...(policy === undefined ? [] : ["--policy", policy])];
  const run = await runCommand({ execute: validateCommand.execute, args, cwd, env: { AUDIT_HMAC_KEYS: keysEnv } });
  try {
    return { ok: true, report: JSON.parse(run.stdout) as ValidateReport };
  } catch {
    return { ok: false, message: `cannot validate ${file}: ${run.stderr.trim() || "no report"}` };
  }
}

/** Runs one command of the command line with captured output and only the given environment. */
async function runCommand({
  execute,
  args,
  cwd,
  env,
}: {
  execute: (args: readonly string[], io: CliIo) => Promise<number>;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const exitCode = await execute(args, {
    argv: args,
    stdin: Readable.from([]),
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
    cwd,
  });
  return { exitCode, stdout, stderr };
}

function annotate({ stdout, file, report }: { stdout: CliOutput; file: string; report: ValidateReport }): void {
  const write = (command: "error" | "warning", entry: ReportEntry): void => {
    const message = entry.path === "" ? entry.message : `${entry.path}: ${entry.message}`;
    stdout.write(formatWorkflowCommand({ command, properties: { file, title: entry.path === "" ? "audit-digest" : entry.path }, message }));
  };
  for (const warning of report.warnings) write("warning", warning);
  for (const error of report.errors) write("error", error);
}

/** The artifact's path as annotations name files: relative to the workspace, with forward slashes. */
function relativeToWorkspace({ file, workspace }: { file: string; workspace: string }): string {
  const relative = path.relative(workspace, file);
  const inside = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  return (inside ? relative : file).split(path.sep).join("/");
}
