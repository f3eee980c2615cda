import { describe, expect, it } from "vitest";
import { formatDigestMarker, parseDigestMarker } from "../../src/digest/digest-marker.js";

describe("digest marker", () => {
  it("has the documented version 1 format", () => {
    expect(formatDigestMarker("nightly-2024")).toBe("<!-- audit-digest:v1 audit_id=nightly-2024 -->");
  });

  it("parses back every valid audit_id", () => {
    for (const id of ["a", "org/scan:2024-05-01.1", "A".repeat(128), "x--y", "z-"]) {
      const body = `${formatDigestMarker(id)}\n\n**Open: 1**\n`;
      expect(parseDigestMarker(body)).toEqual({ version: 1, auditId: id });
    }
  });

  it("finds the marker after text a person added above it", () => {
    expect(parseDigestMarker(`Note from a human\n\n${formatDigestMarker("x1")}\nbody`)).toEqual({ version: 1, auditId: "x1" });
  });

  it("reads later versions with extra attributes", () => {
    expect(parseDigestMarker("<!-- audit-digest:v2 audit_id=abc shard=3 -->")).toEqual({ version: 2, auditId: "abc" });
  });

  it("returns null when there is no marker or it is malformed", () => {
    for (const body of [
      "",
      "no marker here",
      "<!-- audit-digest:v1 -->",
      "<!-- audit-digest:v1 audit_id= -->",
      "<!-- audit-digest:v1 audit_id=-starts-with-dash -->",
      "<!-- audit-digest:vX audit_id=abc -->",
      "<!-- other:v1 audit_id=abc -->",
    ]) {
      expect(parseDigestMarker(body)).toBeNull();
    }
  });

  it("refuses an audit_id that does not fit the contract", () => {
    for (const id of ["", "has space", "-dash", "a".repeat(129), "x -->", "a\nb"]) {
      expect(() => formatDigestMarker(id)).toThrow(/audit_id/);
    }
  });
});
