/** The benchmark's statistics: median and nearest-rank p95, as the table reports them. */
import { describe, expect, it } from "@jest/globals";
import { stats } from "../../scripts/bench-faas";
import { bareCommand, HELLO_SOURCES } from "../../scripts/bench-faas-programs";
import { LANGUAGES } from "../../service/contract/languages";
import { sourceProblems } from "../../service/contract/source";

describe("bench:faas statistics", () => {
  it("takes the median of odd and even sample counts", () => {
    expect(stats([5, 1, 3]).medianMs).toBe(3);
    expect(stats([4, 1, 3, 2]).medianMs).toBe(3); // (2 + 3) / 2 rounded
  });

  it("takes the nearest-rank 95th percentile", () => {
    const samples = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(stats(samples)).toEqual({ n: 20, medianMs: 11, p95Ms: 19 });
    expect(stats([7]).p95Ms).toBe(7);
  });
});

describe("bench:faas programs", () => {
  it("submits sources the service accepts and builds the same files bare", () => {
    for (const language of LANGUAGES) {
      expect(sourceProblems(language, HELLO_SOURCES[language])).toEqual([]);
      for (const f of HELLO_SOURCES[language]) expect(bareCommand(language)).toContain(f.name);
    }
  });
});
