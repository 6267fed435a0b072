/** The box's tar format: what GNU tar reads, including disks of 8 GiB and more (base-256 sizes). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, openSync, writeSync, ftruncateSync } from "node:fs";
import { join } from "node:path";
import { describe } from "@jest/globals";
import { listTar, tarHeader } from "../../src/box/tar";
import { scratchDir } from "../support/cli";
import { itIf, missingTools } from "../support/requires";

describe("tar headers", () => {
  itIf(missingTools(["tar"]), "a 9 GiB entry (beyond ustar's octal limit) lists the same in GNU tar and in listTar", () => {
    const size = 9 * 2 ** 30;
    const file = join(scratchDir(), "big.box");
    const fd = openSync(file, "w");
    writeSync(fd, tarHeader("big.vdi", size, 1_700_000_000), 0, 512, 0);
    ftruncateSync(fd, 512 + size + 1024); // sparse: content and end-of-archive blocks read as zeros
    closeSync(fd);
    assert.deepEqual(
      listTar(file).map((e) => ({ ...e })),
      [{ name: "big.vdi", size, offset: 512, type: "0" }],
    );
    const r = spawnSync("tar", ["-tvf", file], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`root/root +${size} .* big\\.vdi`));
  });
});
