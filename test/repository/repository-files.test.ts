import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SECRET_KINDS } from "../../src/artifact/scrub-secrets.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string): string => readFileSync(path.join(repoRoot, file), "utf8");

describe("the repository's own files", () => {
  it("is MIT-licensed, in LICENSE and in package.json", () => {
    expect(read("LICENSE")).toMatch(/^MIT License\n\nCopyright \(c\) 2026 audit-digest contributors\n/);
    expect((JSON.parse(read("package.json")) as { license?: string }).license).toBe("MIT");
  });

  it("asks Dependabot for weekly npm and GitHub Actions updates, keeping the majors that need Node 22 back", () => {
    const config = parse(read(".github/dependabot.yml")) as {
      version: number;
      updates: { "package-ecosystem": string; directory: string; schedule: { interval: string }; ignore?: { "dependency-name": string }[] }[];
    };
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => [u["package-ecosystem"], u.directory, u.schedule.interval])).toEqual([
      ["npm", "/", "weekly"],
      ["github-actions", "/", "weekly"],
    ]);
    const held = config.updates[0]!.ignore!.map((rule) => rule["dependency-name"]);
    const pkg = JSON.parse(read("package.json")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const name of held) expect({ ...pkg.dependencies, ...pkg.devDependencies }).toHaveProperty([name]);
    expect(held).toEqual(expect.arrayContaining(["pg-boss", "canonicalize"]));
  });

  it("has issue forms for bugs and features, and sends security reports to the private channel SECURITY.md describes", () => {
    for (const file of ["bug_report.yml", "feature_request.yml"]) {
      const form = parse(read(`.github/ISSUE_TEMPLATE/${file}`)) as { name: string; description: string; body: { type: string; id?: string }[] };
      expect(form.name).not.toBe("");
      expect(form.description).not.toBe("");
      const ids = form.body.filter((field) => field.type !== "markdown").map((field) => field.id);
      expect(ids.every((id) => typeof id === "string" && /^[a-z-]+$/.test(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const config = parse(read(".github/ISSUE_TEMPLATE/config.yml")) as { blank_issues_enabled: boolean; contact_links: { name: string; url: string; about: string }[] };
    expect(config.blank_issues_enabled).toBe(false);
    expect(config.contact_links).toEqual([expect.objectContaining({ url: "../../security/policy", about: expect.stringContaining("SECURITY.md") })]);
    expect(read("SECURITY.md")).toContain("## Reporting a vulnerability");
  });

  it("states in SECURITY.md the number of secret kinds the scrubber detects", () => {
    expect(read("SECURITY.md")).toContain(`each of the ${SECRET_KINDS.length} kinds of secret in \`SECRET_KINDS\``);
  });

  it("links only to files that exist from SECURITY.md, CONTRIBUTING.md, CHANGELOG.md and the examples' and deployment's READMEs", () => {
    for (const doc of ["SECURITY.md", "CONTRIBUTING.md", "CHANGELOG.md", "examples/README.md", "deploy/README.md"]) {
      const targets = [...read(doc).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/.test(target));
      for (const target of targets) expect(existsSync(path.join(repoRoot, path.dirname(doc), target)), `${doc} links to ${target}`).toBe(true);
    }
  });

  it("keeps a changelog in the Keep a Changelog format with an Unreleased section", () => {
    const changelog = read("CHANGELOG.md");
    expect(changelog).toMatch(/^# Changelog\n/);
    expect(changelog).toContain("[Keep a Changelog](https://keepachangelog.com/");
    expect(changelog).toMatch(/\n## \[Unreleased\]\n\n### Added\n/);
  });
});
