/** `npm run box`'s command line, run in-process. */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { boxMain } from "../../src/cli/commands/box";
import { memoryIo, runCommand } from "../../src/cli/io";
import { defaultBoxPath } from "../../src/config/base-image";
import { scratchDir } from "../support/cli";
import { writeDefaultBox } from "../support/box";

async function box(argv: string[], root = scratchDir()) {
  const io = memoryIo({ PATH: process.env.PATH }, root);
  const code = await runCommand((a, i) => boxMain(a, i), argv, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe("npm run box -- ...", () => {
  it("--help names the options and gives an example", async () => {
    const r = await box(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.out, /^usage: npm run box -- \[--force\] \[--check\]/);
    assert.match(r.out, /--force +rebuild even when a valid box is there/);
    assert.match(r.out, /--check +only check the box/);
    assert.match(r.out, /examples:\n {2}npm run box\n/);
  });

  it("refuses an unknown option or argument, listing the valid options", async () => {
    const r = await box(["--rebuild"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /clusterkit: unknown option "--rebuild"; valid options: --force, --check, --help\nusage: npm run box --/);
    const extra = await box(["local"]);
    assert.equal(extra.code, 1);
    assert.match(extra.err, /unexpected argument "local"/);
  });

  it("--check says what is wrong with a missing box and how to build it, and accepts a real one", async () => {
    const root = scratchDir();
    const missing = await box(["--check"], root);
    assert.equal(missing.code, 1);
    assert.match(missing.err, new RegExp(`base box ${defaultBoxPath().replace(/\./g, "\\.")} does not exist; build it with \`npm run box\``));
    writeDefaultBox(root);
    const ok = await box(["--check"], root);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /disk\.vdi \(vdi, 1 GiB\); no build record/);
  });
});
