import { PassThrough } from "node:stream";
import { expect, it } from "vitest";
import { createLogger } from "../../src/logging/create-logger.js";
import { testPrivateKey } from "../support/test-config.js";

it("never writes credentials, snippets or token-shaped text to the log", async () => {
  const out = new PassThrough();
  let written = "";
  out.on("data", (chunk: Buffer) => (written += chunk.toString()));
  const log = await createLogger({ level: "info", format: "json" }, out);
  const token = "ghs_" + "R8k2".repeat(9);
  log.info({ privateKey: testPrivateKey, config: { webhookSecret: "hook-secret-value" } }, "started");
  log.info({ req: { headers: { authorization: `token ${token}` } } }, "request");
  log.warn({ hit: { snippet: "password = 'hunter2-hunter2'" } }, "finding");
  log.error({ err: new Error(`GitHub said no to ${token}`) }, `could not use ${token}`);
  await new Promise((resolve) => setTimeout(resolve, 50));

  expect(written.split("\n").filter(Boolean)).toHaveLength(4);
  for (const secret of ["BEGIN PRIVATE KEY", "hook-secret-value", token, "hunter2"]) {
    expect(written).not.toContain(secret);
  }
  expect(written).toContain("[REDACTED]");
  expect(written).toContain("[REDACTED:github-token]");
});
