import { artifactLimitsFromConfig } from "../../config/load-repo-config.js";
import { parseArtifact } from "../../artifact/parse-artifact.js";
import type { CliCommand } from "../cli-command.js";
import type { CliIo } from "../cli-io.js";
import { ExitCode } from "../exit-code.js";
import { parseFileCommand } from "../parse-command-args.js";
import { readConfigFile } from "../read-config-file.js";
import { readInput } from "../read-input.js";
import { fullListHint } from "../../digest/full-list-hint.js";
import { renderFirstDigest } from "../../digest/render-first-digest.js";

const usage = `usage: audit-digest render <file|-> [--config <.github/audit-digest.yml>] [--host <host>]

Prints the digest issue the app would file for this artifact (title, a blank
line, then the body exactly as sent to GitHub), without contacting GitHub.

  -c, --config <file>  the audit-digest.yml to apply (title, labels, suppressions, limits)
      --host <host>    host of links to files (default github.com; your GHE host otherwise)
  -h, --help           show this help

Exit codes: 0 rendered, 1 usage, config or I/O error, 2 the artifact is not valid.
`;

async function execute(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseFileCommand({
    command: "render",
    args,
    options: {
      config: { type: "string", short: "c" },
      host: { type: "string" },
    },
    usage,
    io,
  });
  if (!parsed.ok) return parsed.exitCode;
  const { file } = parsed;

  const config = await readConfigFile(parsed.values.config, io.cwd);
  if (!config.ok) {
    io.stderr.write(`audit-digest render: ${config.message}\n`);
    return ExitCode.usage;
  }
  const limits = artifactLimitsFromConfig(config.config);
  const label = file === "-" ? "(stdin)" : file;
  const input = await readInput(file, io, limits.maxBytes);
  if (!input.ok) {
    io.stderr.write(`${label}: error: ${input.message}\n`);
    return input.reason === "too_large" ? ExitCode.invalid : ExitCode.usage;
  }
  const result = parseArtifact(input.bytes, { limits });
  if (!result.ok) {
    for (const error of result.errors) {
      io.stderr.write(`${label}: error: ${error.path === "" ? "" : `${error.path}: `}${error.message}\n`);
    }
    return ExitCode.invalid;
  }
  const host = typeof parsed.values.host === "string" ? parsed.values.host : "github.com";
  let rendered;
  try {
    // A cut body points to the commit's check run, as the app's does (an artifact the app takes names its commit).
    const sha = result.artifact.source?.sha;
    rendered = renderFirstDigest({ artifact: result.artifact, repoConfig: config.config, host, ...(sha ? { fullListHint: fullListHint(sha) } : {}) });
  } catch (error) {
    io.stderr.write(`audit-digest render: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.usage;
  }
  io.stdout.write(`${rendered.title}\n\n${rendered.body}`);
  return ExitCode.ok;
}

export const renderCommand: CliCommand = {
  name: "render",
  usage,
  execute,
};
