/**
 * Seeded config fuzzing, slow tier: the fast tier's 300 cases (same seed), with every accepted case
 * synthesized and its Terraform JSON and manifests validated.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { fuzzCase, type FuzzTally, manifestValidator, runFuzzCase } from "../support/fuzz";

const FUZZ_SEED = 12;
const CASES = 300;

describe("config fuzzing (full run)", () => {
  it(`${CASES} mutated configs, every accepted one synthesized and validated`, () => {
    const validator = manifestValidator(true);
    const tally: FuzzTally = { accepted: 0, refused: 0, synthesized: 0 };
    for (let id = 0; id < CASES; id++) runFuzzCase(fuzzCase(FUZZ_SEED, id), validator, true, tally);
    assert.equal(tally.synthesized, tally.accepted);
    assert.ok(tally.accepted > 10 && tally.refused > CASES / 3, JSON.stringify(tally));
    process.stderr.write(`config fuzzing: ${JSON.stringify(tally)}\n`);
  }, 600_000);
});
