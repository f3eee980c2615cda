import { verify } from "node:crypto";
import { GitHubError, notAccessibleByIntegration } from "./github-error.js";
import type { InstallationPermissions, PermissionLevel, SimInstallation, SimRepository, SimToken, SimulatorState } from "./simulator-state.js";

export type Actor =
  | { kind: "anonymous" }
  | { kind: "app"; issuer: string }
  | { kind: "installation"; installation: SimInstallation; token: SimToken };

const LEVELS: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };

/** GitHub's answers to an app JWT it does not accept. */
export const JWT_MESSAGES = {
  undecodable: "A JSON web token could not be decoded",
  issuer: "'Issuer' claim ('iss') must be an Integer",
  unknownIssuer: "Integration not found",
  issuedAt: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
  expired: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  tooLong: "'Expiration time' claim ('exp') is too far in the future",
} as const;

/** GitHub allows an `iat` this far ahead of its clock (seconds), for machines whose clocks drift. */
const CLOCK_SKEW_SECONDS = 60;
/** The longest an app JWT may live (seconds from `iat` to `exp`). */
const MAX_JWT_LIFETIME_SECONDS = 600;

function decodeSegment(segment: string): Record<string, unknown> {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) throw new Error("not an object");
    return decoded as Record<string, unknown>;
  } catch {
    throw new GitHubError(401, JWT_MESSAGES.undecodable);
  }
}

/**
 * Checks an app JWT the way GitHub does: RS256 signed by the app's key, issued by the app
 * (its id, or its client id), `iat` not ahead of GitHub's clock by more than a minute, `exp`
 * still ahead and at most ten minutes after `iat`.
 */
function verifyAppJwt(state: SimulatorState, jwt: string): string {
  const [headerPart = "", payloadPart = "", signaturePart = ""] = jwt.split(".");
  const header = decodeSegment(headerPart);
  const claims = decodeSegment(payloadPart);
  if (header.alg !== "RS256") throw new GitHubError(401, JWT_MESSAGES.undecodable);
  const issuer = claims.iss;
  if (typeof issuer !== "string" && typeof issuer !== "number") throw new GitHubError(401, JWT_MESSAGES.issuer);
  if (String(issuer) !== String(state.app.id) && String(issuer) !== `Iv1.${state.app.id.toString(16).padStart(16, "0")}`) {
    throw new GitHubError(401, JWT_MESSAGES.unknownIssuer);
  }
  const signed = verify("RSA-SHA256", Buffer.from(`${headerPart}.${payloadPart}`), state.app.publicKey, Buffer.from(signaturePart, "base64url"));
  if (!signed) throw new GitHubError(401, JWT_MESSAGES.undecodable);
  const now = Math.floor(state.now() / 1000);
  const { iat, exp } = claims;
  if (typeof iat !== "number" || !Number.isInteger(iat) || iat > now + CLOCK_SKEW_SECONDS) throw new GitHubError(401, JWT_MESSAGES.issuedAt);
  if (typeof exp !== "number" || !Number.isFinite(exp) || exp <= now) throw new GitHubError(401, JWT_MESSAGES.expired);
  if (exp - iat > MAX_JWT_LIFETIME_SECONDS) throw new GitHubError(401, JWT_MESSAGES.tooLong);
  return String(issuer);
}

/**
 * Works out who sent a request from its `Authorization` header: the app (a JWT it signed, see
 * `verifyAppJwt`), an installation (`ghs_` token the simulator issued), or nobody.
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
  return { kind: "app", issuer: verifyAppJwt(state, credential) };
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
