import { generateKeyPairSync, sign } from "node:crypto";
import { Octokit } from "@octokit/core";
import { Probot, ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { testAppKey } from "../support/test-app-key.js";
import { createGitHubSimulator, requestFailure } from "../support/github-simulator/index.js";

const APP_ID = 123;
const otherKey = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A JWT signed like universal-github-app-jwt signs it, with the claims and key a case needs. */
function appJwt({ claims, key = testAppKey.privateKey, alg = "RS256" }: { claims: Record<string, unknown>; key?: string; alg?: string }): string {
  const unsigned = `${segment({ alg, typ: "JWT" })}.${segment(claims)}`;
  return `${unsigned}.${sign("RSA-SHA256", Buffer.from(unsigned), key).toString("base64url")}`;
}

/** The simulator on a clock set to `now` (ms), and GET /app sent with a bearer JWT. */
function arrange(now = Date.now()) {
  const sim = createGitHubSimulator({ app: { id: APP_ID }, now: () => now });
  const getApp = (jwt: string) => new Octokit({ auth: jwt, request: { fetch: sim.fetch } }).request("GET /app");
  return { sim, getApp, nowSeconds: Math.floor(now / 1000) };
}

describe("the app's JWT", () => {
  it("accepts one the app signed with its key, issued up to a minute ahead of GitHub's clock", async () => {
    const { sim, getApp, nowSeconds } = arrange();
    const usual = await getApp(appJwt({ claims: { iss: APP_ID, iat: nowSeconds - 30, exp: nowSeconds + 570 } }));
    expect(usual.data).toMatchObject({ id: APP_ID });
    const skewed = await getApp(appJwt({ claims: { iss: APP_ID, iat: nowSeconds + 60, exp: nowSeconds + 660 } }));
    expect(skewed.status).toBe(200);
    sim.assertNoViolations();
  });

  it("refuses one signed with another key, with its payload changed after signing, or not RS256", async () => {
    const { getApp, nowSeconds } = arrange();
    const claims = { iss: APP_ID, iat: nowSeconds - 30, exp: nowSeconds + 570 };
    const undecodable = { status: 401, message: "A JSON web token could not be decoded" };
    expect(await requestFailure(getApp(appJwt({ claims, key: otherKey })))).toMatchObject(undecodable);

    const [header, , signature] = appJwt({ claims }).split(".");
    const longer = `${header}.${segment({ ...claims, exp: nowSeconds + 600 })}.${signature}`;
    expect(await requestFailure(getApp(longer))).toMatchObject(undecodable);

    const unsigned = `${segment({ alg: "none", typ: "JWT" })}.${segment(claims)}.`;
    expect(await requestFailure(getApp(unsigned))).toMatchObject(undecodable);
    expect(await requestFailure(getApp(appJwt({ claims, alg: "HS256" })))).toMatchObject(undecodable);
    expect(await requestFailure(getApp("eyJub3Q.anNvbg.c2ln"))).toMatchObject(undecodable);
  });

  it("refuses one expired, issued more than a minute ahead, or living longer than ten minutes, with GitHub's messages", async () => {
    const { sim, getApp, nowSeconds } = arrange();
    const expired = await requestFailure(getApp(appJwt({ claims: { iss: APP_ID, iat: nowSeconds - 700, exp: nowSeconds - 100 } })));
    expect(expired).toMatchObject({
      status: 401,
      message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    });
    const ahead = await requestFailure(getApp(appJwt({ claims: { iss: APP_ID, iat: nowSeconds + 61, exp: nowSeconds + 600 } })));
    expect(ahead).toMatchObject({
      status: 401,
      message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    });
    const noIat = await requestFailure(getApp(appJwt({ claims: { iss: APP_ID, exp: nowSeconds + 600 } })));
    expect(noIat).toMatchObject({ status: 401, message: expect.stringContaining("'Issued at' claim ('iat')") });
    const tooLong = await requestFailure(getApp(appJwt({ claims: { iss: APP_ID, iat: nowSeconds - 30, exp: nowSeconds + 571 + 30 } })));
    expect(tooLong).toMatchObject({ status: 401, message: "'Expiration time' claim ('exp') is too far in the future" });
    // Refusals are GitHub's answers, not simulator faults.
    sim.assertNoViolations();
  });

  it("Probot signs with the tests' app key and gets an installation token, even when its clock is 20 minutes behind GitHub's", async () => {
    const { sim } = arrange(Date.now() + 20 * 60_000);
    sim.createInstallation({ id: 1, account: "acme", permissions: { issues: "write", metadata: "read" } });
    sim.createRepository({ owner: "acme", name: "service" });
    const Throttleless = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      request: { ...(options.request as object), fetch: sim.fetch },
      throttle: { ...(options.throttle as object), enabled: false },
    }));
    const probot = new Probot({ appId: APP_ID, privateKey: testAppKey.privateKey, logLevel: "fatal", Octokit: Throttleless });
    const octokit = await probot.auth(1);
    const created = await octokit.rest.issues.create({ owner: "acme", repo: "service", title: "digest" });
    expect(created.status).toBe(201);
    // The first token request is refused as expired; Octokit reads GitHub's Date header and signs again.
    expect(sim.requests.filter((entry) => entry.route === "POST /app/installations/{installation_id}/access_tokens").map((entry) => entry.status)).toEqual([401, 201]);
    sim.assertNoViolations();
  });
});
