/**
 * Stack outputs are an argument of synthesis, never read back from disk: with a contradicting
 * state/<env>/outputs.json in the root, the NAS PersistentVolume follows what is passed in, and
 * without an argument it carries the documented placeholder whatever the file says.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { parseAllDocuments } from "yaml";
import { NAS_SERVER_PLACEHOLDER } from "../../src/contracts/stack-outputs";
import { loadConfig } from "../../src/config/load";
import { stackOutputsPath } from "../../src/synth/stack-outputs";
import { synthesize } from "../../src/synth/synth";
import { scratchDir } from "../support/cli";

const FROM_FILE = "file-server.eu-central-1.nas.aliyuncs.com";
const FROM_ARGUMENT = "argument-server.eu-central-1.nas.aliyuncs.com";

/** A root whose outputs.json says FROM_FILE for `env`. */
function rootWithContradictingFile(env: string): string {
  const root = scratchDir();
  const file = join(root, stackOutputsPath(env));
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, JSON.stringify({ nas_server: { value: FROM_FILE }, nas_path: { value: "/from-file" } }));
  return root;
}

function nasVolume(root: string, env: string): { server: string; path: string } {
  const docs = parseAllDocuments(readFileSync(join(root, "dist", env, "40-storage.k8s.yaml"), "utf8")).map(
    (d) => d.toJS() as { kind: string; spec?: { csi?: { volumeAttributes: { server: string; path: string } } } },
  );
  const pv = docs.find((d) => d.kind === "PersistentVolume");
  assert.ok(pv?.spec?.csi, "the NAS PersistentVolume");
  const { server, path } = pv.spec.csi.volumeAttributes;
  return { server, path };
}

describe("synthesis takes the stack outputs as an argument", () => {
  const configs = loadConfig({});

  it("the chart follows the outputs passed in, not a contradicting outputs.json", () => {
    const root = rootWithContradictingFile("ack-managed");
    synthesize(configs, { root, terraform: false, only: ["ack-managed"], outputs: { "ack-managed": { nasServer: FROM_ARGUMENT, nasPath: "/from-argument" } } });
    assert.deepEqual(nasVolume(root, "ack-managed"), { server: FROM_ARGUMENT, path: "/from-argument" });
  });

  it("without outputs (plain synth) the chart writes the placeholder and the configured path, whatever the file says", () => {
    const root = rootWithContradictingFile("ack-managed");
    const ctx = synthesize(configs, { root, terraform: false, only: ["ack-managed"] });
    assert.deepEqual(nasVolume(root, "ack-managed"), { server: NAS_SERVER_PLACEHOLDER, path: configs["ack-managed"].nas.path });
    assert.deepEqual(
      ctx.warnings.filter((w) => w.includes("nas_server")),
      [],
      "not deployed: no warning",
    );
  });

  it("outputs of one environment never reach another", () => {
    const root = scratchDir();
    synthesize(configs, { root, terraform: false, only: ["ack-managed", "ack-dedicated"], outputs: { "ack-managed": { nasServer: FROM_ARGUMENT } } });
    assert.equal(nasVolume(root, "ack-managed").server, FROM_ARGUMENT);
    assert.equal(nasVolume(root, "ack-dedicated").server, NAS_SERVER_PLACEHOLDER);
  });
});
