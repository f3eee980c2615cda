import { strToU8, zipSync, type ZippableFile } from "fflate";
import { describe, expect, it } from "vitest";
import { extractArtifactJson } from "../../src/artifact/extract-artifact-json.js";
import { readZipDirectory } from "../../src/artifact/read-zip-directory.js";
import { zipDirectoryLayout } from "../support/zip-directory-layout.js";

const UNIX = 3;
const link = (target: string): ZippableFile => [strToU8(target), { os: UNIX, attrs: (0o120777 << 16) >>> 0 }];
const file = (text: string): ZippableFile => [strToU8(text), { os: UNIX, attrs: (0o100644 << 16) >>> 0 }];
const ARTIFACT = '{"schema_version":1,"audit_id":"org-audit"}';

function refusal(zip: Uint8Array): { code: string; message: string } {
  const result = extractArtifactJson(zip);
  if (result.ok) throw new Error("expected the archive to be refused");
  return result.error;
}

describe("symbolic links in the archive", () => {
  it("are refused by name, the artifact itself or any other entry", () => {
    const asArtifact = extractArtifactJson(zipSync({ "consumer_artifact.json": link("/etc/passwd") }));
    expect(asArtifact).toMatchObject({
      ok: false,
      error: { code: "zip_unsafe_entry", message: 'archive entry "consumer_artifact.json" is refused: symbolic link' },
    });
    const beside = extractArtifactJson(zipSync({ "consumer_artifact.json": file("{}"), "logs/latest": link("../../../root/.ssh/id_rsa") }));
    expect(beside).toMatchObject({ ok: false, error: { code: "zip_unsafe_entry", message: 'archive entry "logs/latest" is refused: symbolic link' } });
  });

  it("are told apart from regular files and folders with Unix modes", () => {
    const zip = zipSync({ "consumer_artifact.json": file("{}"), "docs/": [new Uint8Array(0), { os: UNIX, attrs: (0o040755 << 16) >>> 0 }] });
    expect(readZipDirectory(zip, 1_000)?.map((entry) => [entry.name, entry.symlink])).toEqual([
      ["consumer_artifact.json", false],
      ["docs/", false],
    ]);
    expect(extractArtifactJson(zip).ok).toBe(true);
  });
});

describe("the central directory", () => {
  it("is read entry by entry, UTF-8 names and sizes included, and never throws on a damaged one", () => {
    const zip = zipSync({ "consumer_artifact.json": strToU8(ARTIFACT), "notes/résumé.txt": strToU8("ok") });
    expect(readZipDirectory(zip, 1_000)).toMatchObject([
      { name: "consumer_artifact.json", uncompressedSize: ARTIFACT.length },
      { name: "notes/résumé.txt", uncompressedSize: 2 },
    ]);
    expect(extractArtifactJson(zip).ok).toBe(true);
    for (let cut = 0; cut < zip.byteLength; cut++) expect(() => readZipDirectory(zip.subarray(0, cut), 1_000)).not.toThrow();
    const corrupt = zip.slice();
    corrupt[corrupt.byteLength - 6] = 0xff; // the directory's offset points past the end
    expect(readZipDirectory(corrupt, 1_000)).toBeUndefined();
  });

  it("must list the entries the archive holds: an archive without one is refused as damaged", () => {
    const zip = zipSync({ "consumer_artifact.json": strToU8(ARTIFACT) }, { level: 0 });
    const { start } = zipDirectoryLayout(zip);
    expect(refusal(zip.subarray(0, start))).toEqual({
      path: "",
      code: "zip_invalid",
      message: "archive has no readable central directory (the list of entries at its end): it is damaged or cut short",
    });
  });

  it("must name the entries as their own headers do, in the same order", () => {
    const zip = zipSync({ "consumer_artifact.json": strToU8(ARTIFACT), "readme.txt": strToU8("hello") }, { level: 0 });
    const renamed = zip.slice();
    // The name the directory gives the second entry (same length as "readme.txt").
    renamed.set(strToU8("secret.txt"), zipDirectoryLayout(zip).entry(1) + 46);
    expect(refusal(renamed)).toMatchObject({
      code: "zip_invalid",
      message: 'archive entry 2 is "readme.txt" but its central directory lists "secret.txt" there',
    });
  });

  it("must list as many entries as the archive holds: overlapping entries that only the directory shows are refused", () => {
    const zip = zipSync({ "consumer_artifact.json": strToU8(ARTIFACT) }, { level: 0 });
    const { end, start } = zipDirectoryLayout(zip);
    const entry = zip.subarray(start, end);
    // A second directory entry pointing at the same local data under another name, as overlapping-entry zip bombs do.
    const twin = entry.slice();
    twin.set(strToU8("consumer_artifact.jsoo"), 46);
    const record = zip.slice(end);
    const recordView = new DataView(record.buffer);
    recordView.setUint16(8, 2, true);
    recordView.setUint16(10, 2, true);
    recordView.setUint32(12, entry.byteLength * 2, true);
    const forged = new Uint8Array(Buffer.concat([zip.subarray(0, end), twin, record]));
    expect(readZipDirectory(forged, 1_000)?.map((e) => e.name)).toEqual(["consumer_artifact.json", "consumer_artifact.jsoo"]);
    expect(refusal(forged)).toMatchObject({ code: "zip_invalid", message: "archive holds 1 entry but its central directory lists 2" });
  });

  it("must record the artifact's checksum and size: bytes altered inside the archive are refused", () => {
    const zip = zipSync({ "consumer_artifact.json": strToU8(ARTIFACT) }, { level: 0 });
    // Stored, not deflated: the document's bytes sit in the archive as they are. Still valid JSON after the change.
    const at = Buffer.from(zip).indexOf("org-audit");
    const altered = zip.slice();
    altered.set(strToU8("org-adult"), at);
    expect(extractArtifactJson(zip).ok).toBe(true);
    expect(refusal(altered)).toMatchObject({
      code: "zip_invalid",
      message: "consumer_artifact.json does not match the CRC-32 its archive records: the archive is damaged or was altered",
    });
    const resized = zip.slice();
    const { start } = zipDirectoryLayout(zip);
    new DataView(resized.buffer).setUint32(start + 24, ARTIFACT.length + 1, true);
    expect(refusal(resized)).toMatchObject({
      code: "zip_invalid",
      message: `consumer_artifact.json expands to ${ARTIFACT.length} bytes but its archive records ${ARTIFACT.length + 1}`,
    });
  });
});
