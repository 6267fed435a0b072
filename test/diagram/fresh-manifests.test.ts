/**
 * The diagram never mixes the current config with manifests from an older synth: a synth with the
 * FaaS workload disabled, then `npm run diagram` with it enabled, draws the FaaS components (and
 * the reverse drops them).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { synthMain } from "../../src/cli/commands/synth";
import { configFile, runEntry, scratchDir } from "../support/cli";
import { runCommandIn } from "../support/commands";

const FAAS_DISABLED = { local: { faas: { enabled: false } } };
/** Graphviz writes "-" in text as "&#45;". */
const PROXY = /oauth2(-|&#45;)proxy/;

describe("npm run diagram after a config change", () => {
  it("re-synthesizes the manifests instead of drawing stale ones", async () => {
    const root = scratchDir();
    const synth = await runCommandIn(synthMain, [], root, { CLUSTERKIT_CONFIG: configFile(FAAS_DISABLED) });
    assert.equal(synth.status, 0, synth.stderr);
    assert.ok(!existsSync(join(root, "dist", "local", "60-faas.k8s.yaml")), "the stale synth has no FaaS chart");

    // Drawing loads Graphviz as an ES module, which jest cannot: the diagram runs as npm runs it.
    const r = runEntry("scripts/diagram.ts", ["local"], { CLUSTERKIT_ROOT: root, CLUSTERKIT_CONFIG: undefined });
    assert.equal(r.status, 0, r.stderr);
    const svg = readFileSync(join(root, "diagrams", "local", "architecture.svg"), "utf8");
    assert.match(svg, PROXY, "the default config has the FaaS workload: it must be drawn");
    assert.match(readFileSync(join(root, "dist", "local", "60-faas.k8s.yaml"), "utf8"), /oauth2-proxy/, "dist/ now matches the config too");

    const back = runEntry("scripts/diagram.ts", ["local"], { CLUSTERKIT_ROOT: root, CLUSTERKIT_CONFIG: configFile(FAAS_DISABLED) });
    assert.equal(back.status, 0, back.stderr);
    assert.doesNotMatch(readFileSync(join(root, "diagrams", "local", "architecture.svg"), "utf8"), PROXY);
  });
});
