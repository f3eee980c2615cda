import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { LARGE_ARTIFACT_ZIP_BYTES, releaseArtifactGarbage } from "../../src/ingest/release-artifact-garbage.js";

describe("releaseArtifactGarbage", () => {
  it("after a large artifact, collects what nothing references any more (a dropped zip's bytes)", async () => {
    let zip: Uint8Array | undefined = new Uint8Array(LARGE_ARTIFACT_ZIP_BYTES);
    const dropped = new WeakRef(zip);
    zip = undefined;
    // A WeakRef's target is kept until the turn that made it ends.
    await delay(0);
    expect(releaseArtifactGarbage({ zipBytes: LARGE_ARTIFACT_ZIP_BYTES })).toBe(true);
    expect(dropped.deref()).toBeUndefined();
  });

  it("after a small artifact, runs no collection", () => {
    let collections = 0;
    const collect = () => void collections++;
    expect(releaseArtifactGarbage({ zipBytes: LARGE_ARTIFACT_ZIP_BYTES - 1, collect })).toBe(false);
    expect(releaseArtifactGarbage({ zipBytes: 10_000, collect })).toBe(false);
    expect(collections).toBe(0);
    expect(releaseArtifactGarbage({ zipBytes: LARGE_ARTIFACT_ZIP_BYTES, collect })).toBe(true);
    expect(collections).toBe(1);
  });
});
