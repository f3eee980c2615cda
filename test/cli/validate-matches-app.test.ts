import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARTIFACT_LIMITS } from "../../src/artifact/artifact-limits.js";
import { checkArtifact } from "../../src/artifact/check-artifact.js";
import { parseHmacKeys } from "../../src/artifact/parse-hmac-keys.js";
import { signArtifact } from "../../src/artifact/sign-artifact.js";
import { resolveSignaturePolicy, signatureRequired, type SignaturePolicy } from "../../src/artifact/signature-policy.js";
import { makeArtifact, TEST_KEYS_ENV } from "../artifact/make-artifact.js";
import { runCliInMemory } from "./run-cli-in-memory.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "audit-digest-policy-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const parsedKeys = parseHmacKeys(TEST_KEYS_ENV);
if (!parsedKeys.ok) throw new Error("test keys do not parse");
const [k1] = parsedKeys.keys;
const origin = { repository: "acme/scanner", headSha: "0123456789abcdef0123456789abcdef01234567", runId: 42 };

const artifacts: Record<string, () => Record<string, unknown>> = {
  unsigned: () => makeArtifact(),
  signed: () => signArtifact(makeArtifact(), k1!),
  tampered: () => {
    const document = signArtifact(makeArtifact(), k1!);
    (document.org_unregistered_hits as Record<string, unknown>[])[0]!.line_number = 99;
    return document;
  },
  "unknown key": () => signArtifact(makeArtifact(), { id: "retired", secret: new Uint8Array(32).fill(7) }),
};
const keySets: Record<string, string | undefined> = { "keys configured": TEST_KEYS_ENV, "no keys": undefined };
const policies: (SignaturePolicy | undefined)[] = [undefined, "always", "forks", "never"];

const cases = Object.keys(artifacts).flatMap((artifact) =>
  Object.keys(keySets).flatMap((keySet) => policies.flatMap((policy) => [false, true].map((fork) => ({ artifact, keySet, policy, fork })))),
);

describe("audit-digest validate and the app", () => {
  it.each(cases)("give the same signature verdict: $artifact, $keySet, policy $policy, fork $fork", async ({ artifact, keySet, policy, fork }) => {
    const document = artifacts[artifact]!();
    const env = keySets[keySet];
    const keys = parseHmacKeys(env);
    if (!keys.ok) throw new Error("keys do not parse");

    const app = checkArtifact({
      zip: zipSync({ "consumer_artifact.json": strToU8(JSON.stringify(document)) }),
      limits: DEFAULT_ARTIFACT_LIMITS,
      keys: keys.keys,
      requireSignature: signatureRequired({ policy: resolveSignaturePolicy({ configured: policy, keys: keys.keys }), fromFork: fork }),
      origin,
      now: new Date(),
    });

    const file = path.join(dir, "artifact.json");
    await writeFile(file, JSON.stringify(document));
    const cli = await runCliInMemory(
      ["validate", file, ...(policy ? ["--policy", policy] : []), ...(fork ? ["--fork"] : [])],
      { cwd: dir, env: env === undefined ? {} : { AUDIT_HMAC_KEYS: env } },
    );

    expect({ valid: cli.code === 0, signatureRefused: cli.code === 3 }).toEqual({ valid: app.verdict === "valid", signatureRefused: app.verdict === "signature_invalid" });
  });

  it("resolve the default policy from the keys: forks without keys, always with them", () => {
    const keys = parseHmacKeys(TEST_KEYS_ENV);
    if (!keys.ok) throw new Error("keys do not parse");
    const forkPolicy = resolveSignaturePolicy({ configured: undefined, keys: [] });
    expect(forkPolicy).toBe("forks");
    expect(signatureRequired({ policy: forkPolicy, fromFork: true })).toBe(true);
    expect(resolveSignaturePolicy({ configured: undefined, keys: keys.keys })).toBe("always");
  });
});
