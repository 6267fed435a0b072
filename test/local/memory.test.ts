import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { humanizeIBytes, vboxMemory, vboxMemoryEffectiveMiB } from "../../stacks/local/memory";

describe("VirtualBox memory strings (go-humanize IBytes, lower-cased)", () => {
  it("prints one decimal below 10 units and none from 10 up", () => {
    assert.equal(vboxMemory(4096), "4.0 gib");
    assert.equal(vboxMemory(1536), "1.5 gib");
    assert.equal(vboxMemory(512), "512 mib");
    assert.equal(vboxMemory(1024), "1.0 gib");
    assert.equal(vboxMemory(10240), "10 gib");
    assert.equal(vboxMemory(12288), "12 gib");
    assert.equal(vboxMemory(2048), "2.0 gib");
  });

  it("matches IBytes on the unit boundaries", () => {
    assert.equal(humanizeIBytes(9), "9 b");
    assert.equal(humanizeIBytes(1023), "1023 b");
    assert.equal(humanizeIBytes(1024), "1.0 kib");
    assert.equal(humanizeIBytes(1024 * 1024 * 1023), "1023 mib");
  });

  it("reports the MiB a rounded form really gives", () => {
    assert.equal(vboxMemoryEffectiveMiB(4096), 4096);
    assert.equal(vboxMemoryEffectiveMiB(1536), 1536);
    assert.equal(vboxMemory(1280), "1.3 gib");
    assert.equal(vboxMemoryEffectiveMiB(1280), 1331);
  });
});
