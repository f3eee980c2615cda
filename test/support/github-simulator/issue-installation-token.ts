import { randomBytes } from "node:crypto";
import type { InstallationPermissions, SimInstallation, SimToken, SimulatorState } from "./simulator-state.js";

/** Installation tokens live one hour, as on GitHub. */
export const TOKEN_LIFETIME_MS = 60 * 60 * 1000;
const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Creates a `ghs_` token for an installation, optionally narrowed to some permissions and repositories. */
export function issueInstallationToken(
  state: SimulatorState,
  installation: SimInstallation,
  narrowing: { permissions?: InstallationPermissions | undefined; repositories?: Set<string> | undefined } = {},
): SimToken {
  const token: SimToken = {
    token: `ghs_${[...randomBytes(36)].map((byte) => TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length]).join("")}`,
    installationId: installation.id,
    expiresAt: state.now() + TOKEN_LIFETIME_MS,
    requestedPermissions: narrowing.permissions,
    grantedAtCreation: { ...installation.permissions },
    repositories: narrowing.repositories,
  };
  state.tokens.set(token.token, token);
  return token;
}
