import { writeFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_ARTIFACT_LIMITS } from "../../artifact/artifact-limits.js";
import { parseArtifact } from "../../artifact/parse-artifact.js";
import { parseHmacKeys } from "../../artifact/parse-hmac-keys.js";
import { signArtifact } from "../../artifact/sign-artifact.js";
import type { CliCommand } from "../cli-command.js";
import type { CliIo } from "../cli-io.js";
import { describeFsError } from "../describe-fs-error.js";
import { ExitCode } from "../exit-code.js";
import { parseFileCommand } from "../parse-command-args.js";
import { readInput } from "../read-input.js";

const usage = `usage: audit-digest sign <file|-> --key-id <id> [-o <out>]

Adds (or replaces) the artifact's HMAC-SHA256 signature, computed over its RFC 8785
canonical JSON without the signature member. The key is taken from AUDIT_HMAC_KEYS
(key_id:secret pairs, comma-separated; hex or base64 secrets).

  --key-id <id>     which key of AUDIT_HMAC_KEYS to sign with (required)
  -o, --output <f>  write the signed artifact to this file (default: standard output)
  -h, --help        show this help

Exit codes: 0 signed, 1 usage, key or I/O error, 2 the artifact is not valid.
`;

async function execute(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseFileCommand({
    command: "sign",
    args,
    options: {
      "key-id": { type: "string" },
      output: { type: "string", short: "o" },
    },
    usage,
    io,
  });
  if (!parsed.ok) return parsed.exitCode;
  const { file } = parsed;
  const keyId = parsed.values["key-id"];
  if (keyId === undefined || keyId === "") {
    io.stderr.write(`audit-digest sign: expected --key-id <id>\n\n${usage}`);
    return ExitCode.usage;
  }

  const keys = parseHmacKeys(io.env.AUDIT_HMAC_KEYS);
  if (!keys.ok) {
    io.stderr.write(keys.errors.map((error) => `audit-digest sign: ${error}\n`).join(""));
    return ExitCode.usage;
  }
  const key = keys.keys.find((candidate) => candidate.id === keyId);
  if (key === undefined) {
    const known = keys.keys.map((k) => k.id).join(", ");
    io.stderr.write(
      `audit-digest sign: key id ${JSON.stringify(keyId)} is not in AUDIT_HMAC_KEYS` +
        (known === "" ? " (AUDIT_HMAC_KEYS is not set)\n" : ` (known key ids: ${known})\n`),
    );
    return ExitCode.usage;
  }

  const label = file === "-" ? "(stdin)" : file;
  const input = await readInput(file, io, DEFAULT_ARTIFACT_LIMITS.maxBytes);
  if (!input.ok) {
    io.stderr.write(`${label}: error: ${input.message}\n`);
    return input.reason === "too_large" ? ExitCode.invalid : ExitCode.usage;
  }
  const result = parseArtifact(input.bytes);
  if (!result.ok) {
    for (const error of result.errors) {
      io.stderr.write(`${label}: error: ${error.path === "" ? "" : `${error.path}: `}${error.message}\n`);
    }
    io.stderr.write(`${label}: not signed: the artifact is not valid\n`);
    return ExitCode.invalid;
  }

  const text = `${JSON.stringify(signArtifact(result.document, key), null, 2)}\n`;
  const output = parsed.values.output;
  if (output === undefined) {
    io.stdout.write(text);
    return ExitCode.ok;
  }
  try {
    await writeFile(path.resolve(io.cwd, output), text);
  } catch (error) {
    io.stderr.write(`audit-digest sign: cannot write ${output}: ${describeFsError(error)}\n`);
    return ExitCode.usage;
  }
  io.stderr.write(`${label}: signed with key ${JSON.stringify(key.id)}, written to ${output}\n`);
  return ExitCode.ok;
}

export const signCommand: CliCommand = {
  name: "sign",
  usage,
  execute,
};
