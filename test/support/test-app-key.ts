import { generateKeyPairSync } from "node:crypto";

/**
 * An RSA key pair made once per test process, standing in for a GitHub App's: the app signs its
 * JWTs with the private key, and the GitHub simulator checks them with the public one.
 */
export const testAppKey = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
