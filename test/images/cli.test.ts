/** `npm run images`: bad input gets one clear line naming what is valid, never a stack trace. */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { RECIPES } from "../../images/recipes";
import { readImagesLock } from "../../images/lib/tags";
import { runEntry } from "../support/cli";

const names = RECIPES.map((r) => r.name).join(", ");

describe("images CLI", () => {
  it("rejects an unknown image, listing the valid ones, and an unknown option", () => {
    const r = runEntry("scripts/images.ts", ["build", "executor-cobol"]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim(), `images: unknown image executor-cobol; valid: ${names}`);
    const o = runEntry("scripts/images.ts", ["build", "--fast"]);
    assert.equal(o.status, 1);
    assert.match(o.stderr, /^images: unknown option --fast; valid options: --env, --registry, --update \(lock\), --help\n$/);
    assert.doesNotMatch(r.stderr + o.stderr, /\n\s+at /, "no stack trace");
  });

  it("lists every image under the environment's registry with its locked tag", () => {
    const r = runEntry("scripts/images.ts", ["list", "--env", "ack-managed"]);
    assert.equal(r.status, 0, r.stderr);
    const lock = readImagesLock();
    const refs = r.stdout
      .trim()
      .split("\n")
      .map((l) => l.split("\t")[0]);
    assert.deepEqual(
      refs,
      RECIPES.map((x) => `registry-vpc.eu-central-1.aliyuncs.com/clusterkit/${x.name}:${lock.images[x.name]!.tag}`),
    );
    assert.match(r.stdout, /executor-c:\S+\tgcc-12 12\.2\.0-/);
  });
});
