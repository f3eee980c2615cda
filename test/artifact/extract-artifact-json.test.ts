import { strToU8, Zip, ZipDeflate, ZipPassThrough, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { extractArtifactJson } from "../../src/artifact/extract-artifact-json.js";
import { zipEntryNameProblem } from "../../src/artifact/zip-entry-name-problem.js";

const MB = 1024 * 1024;
const json = strToU8('{"schema_version":1}');

let cachedBomb: Uint8Array | undefined;
/** 200 MB of zeros, built once. */
const bomb200 = (): Uint8Array => (cachedBomb ??= zeroBomb(200));

/** Builds a zip of `megabytes` MB of zeros in `consumer_artifact.json`, streaming, so the test never holds it expanded. */
function zeroBomb(megabytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    parts.push(data);
  });
  const entry = new ZipDeflate("consumer_artifact.json", { level: 1 });
  zip.add(entry);
  const zeros = new Uint8Array(MB);
  for (let i = 0; i < megabytes; i++) entry.push(zeros, i === megabytes - 1);
  zip.end();
  return new Uint8Array(Buffer.concat(parts));
}

function refused(result: ReturnType<typeof extractArtifactJson>) {
  if (result.ok) throw new Error("expected the archive to be refused");
  return result.error;
}

describe("extractArtifactJson", () => {
  it("returns consumer_artifact.json from the root of the archive", () => {
    const result = extractArtifactJson(zipSync({ "notes/readme.txt": strToU8("hi"), "consumer_artifact.json": json }));
    expect(result.ok && Buffer.from(result.bytes).toString()).toBe('{"schema_version":1}');
    expect(result.stats.entries).toBe(2);
  });

  it("reads stored (uncompressed) and streamed entries", () => {
    expect(extractArtifactJson(zipSync({ "consumer_artifact.json": [json, { level: 0 }] })).ok).toBe(true);
    const parts: Uint8Array[] = [];
    const zip = new Zip((_e, data) => parts.push(data));
    const stored = new ZipPassThrough("consumer_artifact.json");
    zip.add(stored);
    stored.push(json, true);
    zip.end();
    const result = extractArtifactJson(new Uint8Array(Buffer.concat(parts)));
    expect(result.ok && Buffer.from(result.bytes).toString()).toBe('{"schema_version":1}');
  });

  it("refuses a zip with ../evil.json", () => {
    const error = refused(extractArtifactJson(zipSync({ "consumer_artifact.json": json, "../evil.json": json })));
    expect(error.code).toBe("zip_unsafe_entry");
    expect(error.message).toBe(`archive entry "../evil.json" is refused: '..' segment`);
  });

  it.each([
    ["/etc/passwd", "absolute path"],
    ["a\\..\\..\\evil.json", "backslash in name"],
    ["C:/evil.json", "drive letter"],
    ["dir/../../x", "'..' segment"],
    ["a\u0000b", "control character in name"],
  ])("refuses the entry name %j (%s)", (name, problem) => {
    expect(zipEntryNameProblem(name)).toBe(problem);
  });

  it("accepts ordinary names", () => {
    expect(zipEntryNameProblem("consumer_artifact.json")).toBeUndefined();
    expect(zipEntryNameProblem("a/b..c/d.json")).toBeUndefined();
  });

  it("refuses an archive without the artifact, listing what it has", () => {
    const error = refused(extractArtifactJson(zipSync({ "report.json": json })));
    expect(error).toMatchObject({ code: "zip_missing_artifact" });
    expect(error.message).toBe('archive has no consumer_artifact.json at its root (entries: "report.json")');
    expect(refused(extractArtifactJson(zipSync({ "sub/consumer_artifact.json": json }))).code).toBe("zip_missing_artifact");
  });

  it("refuses too many entries", () => {
    const files = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.txt`, strToU8("x")]));
    const error = refused(extractArtifactJson(zipSync(files), { limits: { maxZipEntries: 20 } }));
    expect(error).toMatchObject({ code: "zip_too_many_entries" });
    expect(error.message).toContain("max_zip_entries (20)");
  });

  it("refuses an archive larger than max_zip_bytes before reading it", () => {
    const error = refused(extractArtifactJson(zipSync({ "consumer_artifact.json": json }), { limits: { maxZipBytes: 100 } }));
    expect(error.code).toBe("zip_too_large");
    expect(error.message).toContain("max_zip_bytes (100 bytes)");
  });

  it("refuses what is not a zip, and a damaged one", () => {
    expect(refused(extractArtifactJson(strToU8("{}"))).code).toBe("zip_invalid");
    const whole = zipSync({ "consumer_artifact.json": strToU8("x".repeat(10_000)) }, { level: 0 });
    expect(refused(extractArtifactJson(whole.subarray(0, 5_000))).code).toBe("zip_invalid");
  });

  it("refuses a file whose declared size is over max_bytes without decompressing it", () => {
    const zip = zipSync({ "consumer_artifact.json": new Uint8Array(3 * MB) });
    const result = extractArtifactJson(zip, { limits: { maxBytes: MB } });
    expect(refused(result)).toMatchObject({ code: "too_large" });
    expect(result.stats.bytesInflated).toBe(0);
  });

  it("refuses a zip bomb by the size cap, stops decompressing soon after, and keeps memory bounded", () => {
    const bomb = bomb200();
    expect(bomb.byteLength).toBeLessThan(MB); // 200 MB of zeros in a few hundred KB
    const before = process.memoryUsage().rss;
    const result = extractArtifactJson(bomb, { limits: { maxCompressionRatio: 10_000 } });
    const growth = process.memoryUsage().rss - before;
    const error = refused(result);
    expect(error.code).toBe("too_large");
    expect(error.message).toBe("consumer_artifact.json expands to more than the limit max_bytes (52428800 bytes)");
    // Decompression stopped within one small step past the 50 MB cap, far below 200 MB.
    expect(result.stats.bytesInflated).toBeLessThan(50 * MB + 8 * MB);
    expect(growth).toBeLessThan(120 * MB);
  });

  it("refuses a zip bomb by its compression ratio long before the size cap", () => {
    const result = extractArtifactJson(bomb200());
    const error = refused(result);
    expect(error.code).toBe("zip_ratio");
    expect(error.message).toContain("max_compression_ratio (200:1)");
    expect(result.stats.bytesInflated).toBeLessThan(50 * MB);
  });
});
