/**
 * The diagram never mixes the current config with manifests from an older synth: a synth with the
 * FaaS workload disabled, then the diagram with it enabled, draws the FaaS components (and the
 * reverse drops them). In-process, up to the DOT source Graphviz draws from: diagram.test.ts runs
 * the real `npm run diagram` entry (Graphviz, SVG, PNG) once.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { synthMain } from "../../src/cli/commands/synth";
import { defaultConfigs } from "../../src/config/defaults";
import { validateConfigs } from "../../src/config/load";
import { currentDiagram } from "../../src/diagram/diagram";
import { toDot } from "../../src/diagram/dot";
import { configFile, scratchDir } from "../support/cli";
import { runCommandIn } from "../support/commands";

const FAAS_DISABLED = { local: { faas: { enabled: false } } };
const PROXY = /oauth2-proxy/;

describe("npm run diagram after a config change", () => {
  it("re-synthesizes the manifests instead of drawing stale ones", async () => {
    const root = scratchDir();
    const synth = await runCommandIn(synthMain, [], root, { CLUSTERKIT_CONFIG: configFile(FAAS_DISABLED) });
    assert.equal(synth.status, 0, synth.stderr);
    assert.ok(!existsSync(join(root, "dist", "local", "60-faas.k8s.yaml")), "the stale synth has no FaaS chart");

    const dot = toDot(currentDiagram(root, "local", defaultConfigs()));
    assert.match(dot, PROXY, "the default config has the FaaS workload: it must be drawn");
    assert.match(readFileSync(join(root, "dist", "local", "60-faas.k8s.yaml"), "utf8"), /oauth2-proxy/, "dist/ now matches the config too");

    const disabled = validateConfigs(FAAS_DISABLED).configs;
    assert.ok(disabled);
    assert.doesNotMatch(toDot(currentDiagram(root, "local", disabled)), PROXY);
    assert.ok(!existsSync(join(root, "dist", "local", "60-faas.k8s.yaml")));
  });
});
