import { getTransformStream } from "@probot/pino";
import { pino, type Logger } from "pino";
import type { AppConfig } from "../config/app-config.js";
import { redactedLogPaths } from "./log-redaction.js";

/** The process logger: pino, Probot's formatting, secrets redacted. */
export async function createLogger(config: AppConfig["log"]): Promise<Logger> {
  const transform = await getTransformStream({ logFormat: config.format });
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino(
    {
      name: "audit-digest",
      level: config.level,
      redact: { paths: redactedLogPaths, censor: "[REDACTED]" },
    },
    transform,
  );
}
