import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { prepareFallbackDir } from "../../src/fallback/prepare-fallback-dir.js";
import { TEMPORARY_FILE_PREFIX, writeFileAtomically } from "../../src/fallback/write-file-atomically.js";
import { spawnProcessGroup, type ProcessGroup } from "../support/spawn-process-group.js";

const WRITER = fileURLToPath(new URL("./write-then-wait.ts", import.meta.url));
const dirs: string[] = [];
const writers: ProcessGroup[] = [];
afterEach(() => {
  for (const writer of writers.splice(0)) writer.signal("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "atomic-write-"));
  dirs.push(dir);
  return dir;
}

/**
 * Starts a writer (in a process group of its own, ended after the test) that stops between
 * writing its temporary file and renaming it; `ready` resolves once it is there.
 */
function writerStoppedBeforeRename(dir: string) {
  const group = spawnProcessGroup(process.execPath, ["--import", "tsx", WRITER, dir, "record.json"], { stdio: ["ignore", "pipe", "inherit"] });
  writers.push(group);
  const ready = new Promise<void>((resolve, reject) => {
    let out = "";
    group.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("written")) resolve();
    });
    void group.exited.then(() => reject(new Error(`writer exited before it was ready: ${out}`)));
  });
  return { kill: () => group.signal("SIGKILL"), ready, exited: group.exited };
}

describe("writeFileAtomically", () => {
  it("writes one complete file, mode 0600, and leaves no temporary file", async () => {
    const dir = tempDir();
    const data = JSON.stringify({ id: 1, body: "x".repeat(100_000) });
    const path = await writeFileAtomically({ dir, name: "record.json", data });
    expect(path).toBe(join(dir, "record.json"));
    expect(readdirSync(dir)).toEqual(["record.json"]);
    expect(readFileSync(path, "utf8")).toBe(data);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    await writeFileAtomically({ dir, name: "record.json", data: "{}" });
    expect(readdirSync(dir)).toEqual(["record.json"]);
    expect(readFileSync(path, "utf8")).toBe("{}");
  });

  it("leaves no visible file when the writer is killed between write and rename, and the start-up step removes its leftover", async () => {
    const dir = tempDir();
    const writer = writerStoppedBeforeRename(dir);
    await writer.ready;
    writer.kill();
    expect(await writer.exited).toEqual({ code: null, signal: "SIGKILL" });

    const names = readdirSync(dir);
    expect(names.filter((name) => !name.startsWith(TEMPORARY_FILE_PREFIX))).toEqual([]);
    expect(names).toHaveLength(1);
    writeFileSync(join(dir, "kept.json"), "{}");

    expect(await prepareFallbackDir(dir)).toBe(1);
    expect(readdirSync(dir)).toEqual(["kept.json"]);
  });

  it("keeps the old complete file when a writer replacing it is killed before the rename", async () => {
    const dir = tempDir();
    await writeFileAtomically({ dir, name: "record.json", data: '{"version":1}' });
    const writer = writerStoppedBeforeRename(dir);
    await writer.ready;
    writer.kill();
    await writer.exited;
    expect(readFileSync(join(dir, "record.json"), "utf8")).toBe('{"version":1}');
  });

  it("refuses a name that is not a plain file name", async () => {
    const dir = tempDir();
    await expect(writeFileAtomically({ dir, name: "../x.json", data: "" })).rejects.toThrow('file name "../x.json" must be a plain name');
    await expect(writeFileAtomically({ dir, name: `${TEMPORARY_FILE_PREFIX}x`, data: "" })).rejects.toThrow("must be a plain name");
  });
});
