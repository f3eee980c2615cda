import { parseHmacKeys } from "../src/artifact/parse-hmac-keys.js";
import { signArtifact } from "../src/artifact/sign-artifact.js";
import { artifactFixture, hit, producedBy } from "../test/support/artifact-fixtures.js";
import type { ArtifactRunFacts } from "../test/support/github-simulator/build-artifact-zip.js";
import { DEMO } from "./demo-world.js";

export const DEMO_AUDIT_ID = "demo-audit";

type Producer = (run: ArtifactRunFacts) => Record<string, unknown>;

/**
 * The scanner's first report: three findings in acme/service. Bound to the run that uploads it
 * (`source`), then signed with the demo's HMAC key, as a producer's CI does.
 */
export function firstArtifact({ hmacKeys, generatedAt }: { hmacKeys: string; generatedAt: Date }): Producer {
  return signedBy(hmacKeys, report(generatedAt, [
    hit({ repo: DEMO.repo, path: "src/payments/charge.ts", line_number: 42, pattern: "payments-api", severity: "high", snippet: "await paymentsApi.charge(order)" }),
    hit({ repo: DEMO.repo, path: "src/logging/setup.ts", line_number: 7, pattern: "legacy-logger", severity: "low", snippet: "import log from 'legacy-logger'" }),
    hit({ repo: DEMO.repo, path: "lib/http/client.js", line_number: 88, pattern: "internal-http", severity: "medium", snippet: "internalHttp.get(url)" }),
  ]));
}

/** The next report: the payments call in charge.ts was fixed, a new one appeared in refund.ts. */
export function secondArtifact({ hmacKeys, generatedAt }: { hmacKeys: string; generatedAt: Date }): Producer {
  return signedBy(hmacKeys, report(generatedAt, [
    hit({ repo: DEMO.repo, path: "src/logging/setup.ts", line_number: 7, pattern: "legacy-logger", severity: "low", snippet: "import log from 'legacy-logger'" }),
    hit({ repo: DEMO.repo, path: "lib/http/client.js", line_number: 88, pattern: "internal-http", severity: "medium", snippet: "internalHttp.get(url)" }),
    hit({ repo: DEMO.repo, path: "src/orders/refund.ts", line_number: 19, pattern: "payments-api", severity: "critical", snippet: "await paymentsApi.refund(order)" }),
  ]));
}

function report(generatedAt: Date, hits: ReturnType<typeof hit>[]): Record<string, unknown> {
  return artifactFixture({ audit_id: DEMO_AUDIT_ID, generated_at: generatedAt.toISOString().replace(/\.\d{3}Z$/, "Z"), org_unregistered_hits: hits });
}

function signedBy(hmacKeys: string, document: Record<string, unknown>): Producer {
  const keys = parseHmacKeys(hmacKeys);
  if (!keys.ok || !keys.keys[0]) throw new Error(`demo HMAC key unusable: ${keys.ok ? "none" : keys.errors.join("; ")}`);
  const key = keys.keys[0];
  const bind = producedBy(document, { sign: false });
  return (run) => signArtifact(bind(run), key);
}
