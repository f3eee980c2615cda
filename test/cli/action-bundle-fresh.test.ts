import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundleAction } from "../../scripts/bundle-action.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bundle = await bundleAction();

describe("the action's committed entry point", () => {
  it.each(Object.keys(bundle))("%s is built from the current sources (run `npm run build:action` to rebuild it)", (relative) => {
    const committed = readFileSync(path.join(repoRoot, relative), "utf8");
    expect(committed === bundle[relative], `${relative} is stale: run npm run build:action and commit it`).toBe(true);
  });

  it("lists every package bundled in it with its licence", () => {
    const notices = bundle["action/THIRD-PARTY-NOTICES.txt"]!;
    expect(notices).toMatch(/^zod@\S+ \(MIT\)$/m);
    expect(notices).toMatch(/^canonicalize@\S+ \(Apache-2.0\)$/m);
  });
});
