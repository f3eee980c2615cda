import { GitHubError, notAccessibleByIntegration } from "./github-error.js";
import type { InstallationPermissions, PermissionLevel, SimInstallation, SimRepository, SimToken, SimulatorState } from "./simulator-state.js";

export type Actor =
  | { kind: "anonymous" }
  | { kind: "app"; issuer: string }
  | { kind: "installation"; installation: SimInstallation; token: SimToken };

const LEVELS: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };

function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const parts = jwt.split(".");
  const payload = parts[1];
  if (parts.length !== 3 || payload === undefined) throw new GitHubError(401, "A JSON web token could not be decoded");
  try {
    const decoded: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof decoded !== "object" || decoded === null) throw new Error("not an object");
    return decoded as Record<string, unknown>;
  } catch {
    throw new GitHubError(401, "A JSON web token could not be decoded");
  }
}

/**
 * Works out who sent a request from its `Authorization` header: an app (JWT, signature not
 * checked), an installation (`ghs_` token the simulator issued), or nobody.
 */
export function authenticateRequest(state: SimulatorState, authorization: string | null): Actor {
  if (!authorization) return { kind: "anonymous" };
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization.trim());
  const credential = match?.[1];
  if (!credential) throw new GitHubError(401, "Bad credentials");
  if (credential.startsWith("ghs_")) {
    const token = state.tokens.get(credential);
    const installation = token ? state.installations.get(token.installationId) : undefined;
    if (!token || !installation || token.expiresAt <= state.now()) throw new GitHubError(401, "Bad credentials");
    return { kind: "installation", installation, token };
  }
  if (credential.split(".").length !== 3) throw new GitHubError(401, "Bad credentials");
  const claims = decodeJwtPayload(credential);
  const issuer = claims.iss;
  if (typeof issuer !== "string" && typeof issuer !== "number") throw new GitHubError(401, "'Issuer' claim ('iss') must be an Integer");
  if (String(issuer) !== String(state.app.id) && String(issuer) !== `Iv1.${state.app.id.toString(16).padStart(16, "0")}`) {
    throw new GitHubError(401, "Integration not found");
  }
  return { kind: "app", issuer: String(issuer) };
}

/**
 * The level an installation token holds for a permission: what the installation grants now,
 * capped by what it granted when the token was created and by what the token asked for.
 */
export function permissionLevel(actor: Actor, name: string): number {
  if (actor.kind !== "installation") return 0;
  if (name === "metadata") return LEVELS.read;
  const granted = actor.installation.permissions[name];
  const atCreation = actor.token.grantedAtCreation[name];
  const grantedLevel = Math.min(granted ? LEVELS[granted] : 0, atCreation ? LEVELS[atCreation] : 0);
  const requested: InstallationPermissions | undefined = actor.token.requestedPermissions;
  if (!requested) return grantedLevel;
  const asked = requested[name];
  return Math.min(grantedLevel, asked ? LEVELS[asked] : 0);
}

export function requirePermission(actor: Actor, alternatives: ReadonlyArray<readonly [string, PermissionLevel]>): void {
  if (alternatives.some(([name, level]) => permissionLevel(actor, name) >= LEVELS[level])) return;
  throw notAccessibleByIntegration();
}

export function installationCoversRepository(installation: SimInstallation, repo: SimRepository): boolean {
  if (installation.repositorySelection === "all") return installation.account.login.toLowerCase() === repo.owner.login.toLowerCase();
  return installation.repositories.has(repo.fullName.toLowerCase());
}
