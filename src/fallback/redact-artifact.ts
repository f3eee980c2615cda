import type { ConsumerArtifact } from "../artifact/consumer-artifact-schema.js";
import { scrubSecrets } from "../artifact/scrub-secrets.js";

/** What every snippet of a fallback record is replaced with. */
export const REDACTED_SNIPPET = "<REDACTED>";

/**
 * The artifact as a fallback record keeps it: every hit's snippet replaced by `<REDACTED>`,
 * every other string (and every field name, unknown fields included) secret-scrubbed, and the
 * signature left out (it no longer covers the redacted document). Numbers and booleans stay.
 */
export function redactArtifact(artifact: ConsumerArtifact): ConsumerArtifact {
  const { signature: _signature, org_unregistered_hits: hits, ...rest } = artifact;
  return {
    ...(scrubValue(rest) as typeof rest),
    org_unregistered_hits: hits.map((hit) => {
      const { snippet, ...fields } = hit;
      return { ...(scrubValue(fields) as typeof fields), ...(snippet === undefined ? {} : { snippet: REDACTED_SNIPPET }) };
    }),
  };
}

function scrubValue(value: unknown): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (Array.isArray(value)) return value.map(scrubValue);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [scrubSecrets(key), scrubValue(inner)]));
  }
  return value;
}
