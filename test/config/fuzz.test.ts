/**
 * Seeded config fuzzing, fast tier: a sample of 60 mutated configs through the real pipeline
 * (config file, loadConfig), the first accepted one synthesized and validated. The full run,
 * 300 cases with every accepted one synthesized and custom resources validated too, is the slow
 * tier's fuzz.e2e.test.ts (same seed, same cases): it takes about a minute.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { fuzzCase, type FuzzTally, manifestValidator, runFuzzCase } from "../support/fuzz";

const FUZZ_SEED = 12;
const CASES = 60;
const SYNTHESIZED = 1;

describe("config fuzzing (seeded sample)", () => {
  it(`${CASES} mutated configs: each refused naming its fields (nothing changed) or accepted with valid outputs; never a trace`, () => {
    const validator = manifestValidator(false);
    const tally: FuzzTally = { accepted: 0, refused: 0, synthesized: 0 };
    for (let id = 0; id < CASES; id++) runFuzzCase(fuzzCase(FUZZ_SEED, id), validator, tally.synthesized < SYNTHESIZED, tally);
    // The fuzzer is not degenerate: it produces both outcomes.
    assert.ok(tally.refused > CASES / 2, JSON.stringify(tally));
    assert.ok(tally.accepted >= SYNTHESIZED && tally.synthesized === SYNTHESIZED, JSON.stringify(tally));
  }, 120_000);

  it("the same seed gives the same cases", () => {
    assert.deepEqual(fuzzCase(FUZZ_SEED, 41), fuzzCase(FUZZ_SEED, 41));
    assert.notDeepEqual(fuzzCase(FUZZ_SEED, 41).mutations, fuzzCase(FUZZ_SEED + 1, 41).mutations);
  });
});
