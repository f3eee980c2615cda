import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Hit } from "../../src/artifact/consumer-artifact-schema.js";
import { fingerprintHit, fingerprintHits, type FingerprintInput } from "../../src/artifact/fingerprint-hit.js";
import { normalizeSnippet } from "../../src/artifact/normalize-snippet.js";

const hit = (overrides: Partial<Hit> = {}): Hit => ({
  repo: "acme/web",
  path: "src/a.ts",
  line_number: 10,
  pattern: "INTERNAL_API",
  snippet: "const url = INTERNAL_API;",
  severity: "medium",
  ...overrides,
});

describe("fingerprints", () => {
  it("are 64 hex characters and stable when the line number changes", () => {
    const a = fingerprintHit(hit({ line_number: 10 }));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintHit(hit({ line_number: 250 }))).toBe(a);
    expect(fingerprintHit(hit({ severity: "critical" }))).toBe(a);
  });

  it("ignore whitespace changes in the snippet and the case of the repository", () => {
    const a = fingerprintHit(hit());
    expect(fingerprintHit(hit({ snippet: "  const   url =\n\tINTERNAL_API;  " }))).toBe(a);
    expect(fingerprintHit(hit({ repo: "Acme/Web" }))).toBe(a);
    expect(normalizeSnippet(" a \n\t b ")).toBe("a b");
  });

  it("change with repo, path, pattern, snippet or occurrence", () => {
    const a = fingerprintHit(hit());
    const others = [
      fingerprintHit(hit({ repo: "acme/api" })),
      fingerprintHit(hit({ path: "src/b.ts" })),
      fingerprintHit(hit({ pattern: "OTHER" })),
      fingerprintHit(hit({ snippet: "const url = INTERNAL_API + 1;" })),
      fingerprintHit(hit(), 1),
    ];
    expect(new Set([a, ...others]).size).toBe(6);
  });

  it("use rule_id when there is no snippet, and keep the two apart", () => {
    const noSnippet = hit({ snippet: undefined, rule_id: "R1" });
    expect(fingerprintHit(noSnippet)).toBe(fingerprintHit(hit({ snippet: undefined, rule_id: "R1", line_number: 99 })));
    expect(fingerprintHit(noSnippet)).not.toBe(fingerprintHit(hit({ snippet: undefined, rule_id: "R2" })));
    expect(fingerprintHit(hit({ snippet: "R1", rule_id: undefined }))).not.toBe(fingerprintHit(noSnippet));
  });

  it("give identical hits distinct counters in artifact order", () => {
    const hits = [hit({ line_number: 1 }), hit({ path: "x.ts" }), hit({ line_number: 5 }), hit({ line_number: 9 })];
    const result = fingerprintHits(hits);
    expect(result.map((r) => r.occurrence)).toEqual([0, 0, 1, 2]);
    expect(new Set(result.map((r) => r.fingerprint)).size).toBe(4);
    expect(result[2]!.hit).toBe(hits[2]);
  });

  // Fingerprints identify findings across scans and are stored: these values must never change.
  it("keep their published values (snippet, rule id, neither, occurrence, non-ASCII text)", () => {
    const known: Array<[FingerprintInput, number, string]> = [
      [{ repo: "acme/web", path: "src/a.ts", pattern: "INTERNAL_API", snippet: "const url = INTERNAL_API;" }, 0, "72f39b37cd20e0dbba9768c20800fcaf1a9085ee4c1cbabef082fe4ea4295618"],
      [{ repo: "Acme/Web", path: "src/a.ts", pattern: "INTERNAL_API", snippet: "  const   url =\n\tINTERNAL_API;  " }, 2, "a29f0f6671348ad43d2182c9f4674738ec9306ccf5fbf377248e7634a4310df3"],
      [{ repo: "acme/web", path: "src/a.ts", pattern: "INTERNAL_API", rule_id: "R1" }, 0, "dd8017c28b8ae5ab3c053a15e03d25e514deac6b5a97f444697e45514b9fec8f"],
      [{ repo: "acme/web", path: "src/a.ts", pattern: "INTERNAL_API", snippet: "   ", rule_id: "R1" }, 2, "752702e5583514bf7bd550cf3ff6f1b83bfc0d8ba3f9843380cce1c64a7edcea"],
      [{ repo: "acme/web", path: "src/a.ts", pattern: "INTERNAL_API" }, 0, "17dad05cec92fe73acf265d27f48b08c17354f8f17ac8ca2b27224ad2feb0bcb"],
      [
        { repo: "acme/web", path: 'dir/ünï "cödé"\\.py', pattern: "p\u2028λ", snippet: 'x\u00a0=\u3000"😀" \\ \u0007' },
        2,
        "aac892235ba129e112352c0853366969d12a605ecfd76511af7ae622412ad717",
      ],
    ];
    for (const [input, occurrence, fingerprint] of known) expect(fingerprintHit(input, occurrence)).toBe(fingerprint);
    const [first] = known[0]!;
    expect(fingerprintHits([first, { ...first, line_number: 3 } as FingerprintInput, first]).map((r) => r.fingerprint)).toEqual([
      "72f39b37cd20e0dbba9768c20800fcaf1a9085ee4c1cbabef082fe4ea4295618",
      "d03466e4c3ba7f2b98d7de27f13e05d7e04383931349124dff3bcbdfacb42d56",
      "a29f0f6671348ad43d2182c9f4674738ec9306ccf5fbf377248e7634a4310df3",
    ]);
  });

  it("normalise snippets as collapsing every whitespace run and trimming does (property)", () => {
    const chars = fc.constantFrom("a", "b", " ", "  ", "\t", "\n", "\r", "\u00a0", "\u2028", "\u3000", "\ufeff", "é", "😀");
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 12 }), (parts) => {
        const snippet = parts.join("");
        expect(normalizeSnippet(snippet)).toBe(snippet.replace(/\s+/gu, " ").trim());
      }),
      { numRuns: 3_000 },
    );
  });

  const arbitraryHit = fc.record({
    repo: fc.constantFrom("acme/web", "acme/api"),
    path: fc.constantFrom("a.ts", "b/c.py"),
    line_number: fc.integer({ min: 1, max: 10_000 }),
    pattern: fc.constantFrom("P1", "P2"),
    snippet: fc.option(fc.constantFrom("x = 1", "y = 2"), { nil: undefined }),
    severity: fc.constantFrom<Hit["severity"]>("low", "medium", "high", "critical"),
  });

  it("do not change when any line numbers change (property)", () => {
    fc.assert(
      fc.property(fc.array(arbitraryHit, { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 10_000 })), (hits, lines) => {
        const moved = hits.map((h, i) => ({ ...h, line_number: lines[i] ?? h.line_number + 7 }));
        expect(fingerprintHits(moved).map((r) => r.fingerprint)).toEqual(fingerprintHits(hits).map((r) => r.fingerprint));
      }),
    );
  });

  it("are unique within an artifact and deterministic (property)", () => {
    fc.assert(
      fc.property(fc.array(arbitraryHit, { maxLength: 40 }), (hits) => {
        const first = fingerprintHits(hits).map((r) => r.fingerprint);
        expect(new Set(first).size).toBe(hits.length);
        expect(fingerprintHits(hits.map((h) => ({ ...h }))).map((r) => r.fingerprint)).toEqual(first);
      }),
    );
  });

  // The definition, written the slow way: fingerprints written out by hand must stay equal to it.
  const reference = (input: FingerprintInput, occurrence: number): string => {
    const snippet = input.snippet === undefined ? "" : input.snippet.replace(/\s+/gu, " ").trim();
    const repo = input.repo.toLowerCase();
    const identity =
      snippet !== ""
        ? ["v1", repo, input.path, input.pattern, "snippet", snippet]
        : input.rule_id !== undefined
          ? ["v1", repo, input.path, input.pattern, "rule", input.rule_id]
          : ["v1", repo, input.path, input.pattern, "none", ""];
    return createHash("sha256").update(`${JSON.stringify(identity)}#${occurrence}`).digest("hex");
  };

  /** The reference fingerprints of an artifact's hits: counters by identity, in artifact order. */
  const referenceHits = (hits: readonly FingerprintInput[]): Array<{ fingerprint: string; occurrence: number }> => {
    const counters = new Map<string, number>();
    return hits.map((one) => {
      const identity = reference(one, 0);
      const occurrence = counters.get(identity) ?? 0;
      counters.set(identity, occurrence + 1);
      return { fingerprint: reference(one, occurrence), occurrence };
    });
  };

  it("equal the definition for thousands of hits, many of them repeated, in one artifact", () => {
    const snippets = ['const a = "x";', "  call( b )\n", "", "   ", 'say("hé 😀")', "a\tb", "\\ \"q\""];
    // 1,500 identities, each drawn several times in a scrambled order (a fixed permutation, so the test is deterministic).
    const hits = Array.from({ length: 6_000 }, (_, i): FingerprintInput => {
      const id = (i * 7_919) % 1_500;
      return {
        repo: id % 3 === 0 ? "Acme/Web" : `acme/r${id % 40}`,
        path: `src/d${id % 17}/f${id}.ts`,
        pattern: `P${id % 5}`,
        snippet: id % 11 === 0 ? undefined : snippets[id % snippets.length],
        rule_id: id % 4 === 0 ? `R${id % 9}` : undefined,
      };
    });
    const result = fingerprintHits(hits);
    expect(result.map(({ fingerprint, occurrence }) => ({ fingerprint, occurrence }))).toEqual(referenceHits(hits));
    expect(new Set(result.map((r) => r.fingerprint)).size).toBe(hits.length);
    expect(Math.max(...result.map((r) => r.occurrence))).toBeGreaterThanOrEqual(3);
  });

  it("tell apart distinct hits whose fingerprints begin with the same eight hex digits", () => {
    // Found by search: both first fingerprints begin with 28b03424.
    const a: FingerprintInput = { repo: "acme/web", path: "src/f56121.ts", pattern: "P" };
    const b: FingerprintInput = { repo: "acme/web", path: "src/f103200.ts", pattern: "P" };
    expect(fingerprintHit(a).slice(0, 8)).toBe("28b03424");
    expect(fingerprintHit(b).slice(0, 8)).toBe("28b03424");
    const hits = [a, b, { ...a }, b, { repo: "acme/web", path: "other.ts", pattern: "P" }, a];
    const result = fingerprintHits(hits);
    expect(result.map((r) => r.occurrence)).toEqual([0, 0, 1, 1, 0, 2]);
    expect(result.map(({ fingerprint, occurrence }) => ({ fingerprint, occurrence }))).toEqual(referenceHits(hits));
  });

  it("equal the definition at the edges of plain ASCII text: case, quotes, spacing, DEL, look-alikes (property)", () => {
    // Mostly printable ASCII, as real hits are, with the characters where writing it byte by byte must stop or escape.
    const unit = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom("a", "Z", "0", "/", "-", ".", "_", "(", "#", "]", "~") },
      { weight: 3, arbitrary: fc.constantFrom(" ", "  ", '"', "\\", "\u007f", "\u0080", "\t", "\n", "\r", "\u000b") },
      { weight: 1, arbitrary: fc.constantFrom("\u00a0", "\u212a", "\u0130", "É", "\u2028", "\ufeff", "😀", "\ud800") },
    );
    const text = fc.array(unit, { maxLength: 24 }).map((parts) => parts.join(""));
    const input = fc.record({ repo: text, path: text, pattern: text, snippet: text, rule_id: text }, { requiredKeys: ["repo", "path", "pattern"] });
    fc.assert(
      fc.property(input, fc.nat({ max: 12 }), (one, occurrence) => {
        expect(fingerprintHit(one, occurrence)).toBe(reference(one, occurrence));
      }),
      { numRuns: 5_000 },
    );
  });

  it("equal the definition for fields of any length and for counters of several digits", () => {
    const long = (length: number, filler: string): string => filler.repeat(Math.ceil(length / filler.length)).slice(0, length);
    const inputs: FingerprintInput[] = [1_000, 4_095, 4_096, 5_000, 20_000].flatMap((length) => [
      { repo: "acme/web", path: long(length, "dir/"), pattern: "P", snippet: long(length, 'say("x") ') + "end" },
      { repo: "Acme/Web", path: "a.ts", pattern: long(length, "P"), snippet: long(length, '\u0001"é😀 \\') },
      { repo: "acme/web", path: "a.ts", pattern: "P", rule_id: long(length, "R\"") },
    ]);
    for (const one of inputs) {
      for (const occurrence of [0, 9, 10, 123, 100_000, -1, 1.5]) expect(fingerprintHit(one, occurrence)).toBe(reference(one, occurrence));
    }
    // A long key, then short ones again: each is hashed over its own bytes only.
    const hits = [...inputs, ...inputs.slice(0, 3), { repo: "a/b", path: "c", pattern: "d" }];
    const twelve = Array.from({ length: 12 }, () => hits[hits.length - 1]!);
    const all = [...hits, ...twelve];
    expect(fingerprintHits(all).map(({ fingerprint, occurrence }) => ({ fingerprint, occurrence }))).toEqual(referenceHits(all));
  });

  it("hash the JSON text of [\"v1\", repo, path, pattern, kind, value] and #occurrence, for any text (property)", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 8 }),
      fc.constantFrom("", '"', "\\", "\u0000", "\u001f", "\u007f", "\u2028", "\ud800", "\udc00x", "😀", "a\"b\\c", "#0", "\"]#0"),
    );
    const input = fc.record(
      { repo: text, path: text, pattern: text, snippet: text, rule_id: text },
      { requiredKeys: ["repo", "path", "pattern"] },
    );
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 6 }), fc.nat({ max: 3 }), (inputs, occurrence) => {
        for (const one of inputs) expect(fingerprintHit(one, occurrence)).toBe(reference(one, occurrence));
        const repeated = [...inputs, ...inputs];
        expect(fingerprintHits(repeated).map((r) => r.fingerprint)).toEqual(referenceHits(repeated).map((r) => r.fingerprint));
      }),
      { numRuns: 2_000 },
    );
  });
});
