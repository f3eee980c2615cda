import type { SignaturePolicy } from "../../artifact/signature-policy.js";

/** The action's inputs, as `action.yml` passes them to its entry point. */
export interface ActionInputs {
  /** The artifact the workflow wrote, relative to the working directory. */
  path: string;
  /** With `signingKey`: sign with this key id. Neither: upload the artifact as it is. */
  signing: { keyId: string; secret: string } | undefined;
  /** `artifact.require_signature` to check the uploaded file against; undefined as the app: always when signing, else forks. */
  policy: SignaturePolicy | undefined;
}

export type ReadActionInputsResult = { ok: true; inputs: ActionInputs } | { ok: false; message: string };

const POLICIES: readonly SignaturePolicy[] = ["always", "forks", "never"];

/**
 * Reads `INPUT_PATH`, `INPUT_KEY_ID`, `INPUT_SIGNING_KEY` and `INPUT_REQUIRE_SIGNATURE` (the
 * `env:` that `action.yml` sets from its inputs). A failure names the input to fix.
 */
export function readActionInputs(env: Readonly<Record<string, string | undefined>>): ReadActionInputsResult {
  const input = (name: string): string => (env[`INPUT_${name}`] ?? "").trim();
  const path = input("PATH") || "consumer_artifact.json";
  const keyId = input("KEY_ID");
  const secret = input("SIGNING_KEY");
  const policy = input("REQUIRE_SIGNATURE");
  if (policy !== "" && !POLICIES.includes(policy as SignaturePolicy)) {
    return { ok: false, message: `input require-signature must be one of ${POLICIES.join(", ")} (or empty for the app's default), not ${JSON.stringify(policy)}` };
  }
  if (keyId !== "" && secret === "") {
    return {
      ok: false,
      message:
        "input signing-key is empty while key-id is set: pass the key from a secret (signing-key: ${{ secrets.AUDIT_HMAC_KEY }}); " +
        "a run from a fork does not receive secrets, so sign only where they are available",
    };
  }
  if (secret !== "" && keyId === "") {
    return { ok: false, message: "input key-id is empty while signing-key is set: name the key as it appears in the app's AUDIT_HMAC_KEYS" };
  }
  if (secret.includes(",") || secret.includes(":")) {
    return { ok: false, message: "input signing-key must be the secret alone, hex or base64 (not key_id:secret, not a list)" };
  }
  return {
    ok: true,
    inputs: { path, signing: keyId === "" ? undefined : { keyId, secret }, policy: policy === "" ? undefined : (policy as SignaturePolicy) },
  };
}
