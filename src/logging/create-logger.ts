import { getTransformStream } from "@probot/pino";
import { pino, stdSerializers, type Logger } from "pino";
import { scrubSecrets } from "../artifact/scrub-secrets.js";
import type { AppConfig } from "../config/app-config.js";
import { redactedLogPaths } from "./log-redaction.js";
import { stripErrorBodies, stripRequestFields } from "./strip-request-bodies.js";

/**
 * The process logger: pino with Probot's formatting. Fields that hold credentials, snippets or
 * request bodies are redacted by name, GitHub request bodies are never written (not even at
 * `trace`), and token-shaped text in messages and errors is scrubbed, so a secret that slips
 * into a message still never reaches the log.
 */
export async function createLogger(
  config: AppConfig["log"],
  destination: NodeJS.WritableStream = pino.destination(1) as unknown as NodeJS.WritableStream,
): Promise<Logger> {
  const transform = await getTransformStream({ logFormat: config.format });
  transform.pipe(destination);
  return pino(
    {
      name: "audit-digest",
      level: config.level,
      redact: { paths: redactedLogPaths, censor: "[REDACTED]" },
      serializers: {
        err: (error: Error) => {
          const serialized = stripErrorBodies(stdSerializers.err(error));
          serialized.message = scrubSecrets(serialized.message);
          if (serialized.stack) serialized.stack = scrubSecrets(serialized.stack);
          return serialized;
        },
      },
      hooks: {
        logMethod(args, method) {
          const kept = stripRequestFields(args).map((arg) => (typeof arg === "string" ? scrubSecrets(arg) : arg));
          method.apply(this, kept as Parameters<typeof method>);
        },
      },
    },
    transform,
  );
}
