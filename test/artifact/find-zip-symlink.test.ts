import { strToU8, zipSync, type ZippableFile } from "fflate";
import { describe, expect, it } from "vitest";
import { extractArtifactJson } from "../../src/artifact/extract-artifact-json.js";
import { findZipSymlink } from "../../src/artifact/find-zip-symlink.js";

const UNIX = 3;
const link = (target: string): ZippableFile => [strToU8(target), { os: UNIX, attrs: (0o120777 << 16) >>> 0 }];
const file = (text: string): ZippableFile => [strToU8(text), { os: UNIX, attrs: (0o100644 << 16) >>> 0 }];

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
    expect(findZipSymlink(zip, 1_000)).toBeUndefined();
    expect(extractArtifactJson(zip).ok).toBe(true);
  });

  it("do not make a damaged central directory throw", () => {
    const zip = zipSync({ "consumer_artifact.json": link("x") });
    for (let cut = 0; cut < zip.byteLength; cut++) expect(() => findZipSymlink(zip.subarray(0, cut), 1_000)).not.toThrow();
    const corrupt = zip.slice();
    corrupt[corrupt.byteLength - 6] = 0xff; // the central directory's offset points past the end
    expect(findZipSymlink(corrupt, 1_000)).toBeUndefined();
  });
});
