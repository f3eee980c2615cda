/**
 * One replica of the app writing to GitHub for one installation, for the test of pacing shared
 * through Redis: `node --import tsx write-as-replica.ts` with
 * GITHUB_API_URL, REDIS_URL, APP_ID, PRIVATE_KEY, INSTALLATION_ID, REPOSITORY (owner/name) and
 * ISSUE_NUMBERS (comma-separated) in its environment. It authenticates as the installation the
 * way the app does (Probot, REDIS_URL, the app's Octokit class), prints "ready", waits for a
 * line on stdin, edits the title of each issue in turn (one write each), prints "done" and exits.
 */
import { createInterface } from "node:readline";
import { pino } from "pino";
import { Probot } from "probot";
import { createOctokitClass } from "../../src/github/create-octokit-class.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const [owner = "", repo = ""] = required("REPOSITORY").split("/");
const issueNumbers = required("ISSUE_NUMBERS").split(",").map(Number);
const probot = new Probot({
  appId: Number(required("APP_ID")),
  privateKey: required("PRIVATE_KEY"),
  baseUrl: required("GITHUB_API_URL"),
  redisConfig: required("REDIS_URL"),
  log: pino({ level: "silent" }),
  Octokit: createOctokitClass({ retryAfterBaseValue: 1 }),
});
const octokit = await probot.auth(Number(required("INSTALLATION_ID")));
// The installation token is minted by this read, so the writes that follow are the only requests timed.
await octokit.rest.repos.get({ owner, repo });
process.stdout.write("ready\n");

const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once("line", () => resolve()));
lines.close();
for (const [i, issue_number] of issueNumbers.entries()) {
  await octokit.rest.issues.update({ owner, repo, issue_number, title: `edited by ${process.pid} (${i + 1})` });
}
process.stdout.write("done\n");
// Probot's Redis connection would keep the process alive.
process.exit(0);
