/**
 * Properties of the complete synthesized output (every chart, every environment), read back from
 * the files `addCharts` writes, exactly as the deploy step applies them.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { parseAllDocuments } from "yaml";
import { addCharts } from "../../charts";
import { IMAGES } from "../../src/config/images";
import type { EnvironmentName } from "../../src/config/schema";
import { newContext } from "../../src/contracts/synth-context";
import type { ManifestObject } from "../support/k8s-validate";
import { testEnvironment } from "../support/synth-charts";

const OUTPUT_VARIANTS: { label: string; env: EnvironmentName; overrides: Record<string, unknown> }[] = [
  { label: "local (calico)", env: "local", overrides: {} },
  { label: "local (flannel)", env: "local", overrides: { cni: "flannel" } },
  { label: "ack-managed", env: "ack-managed", overrides: {} },
  { label: "ack-dedicated", env: "ack-dedicated", overrides: {} },
];

export interface WrittenOutput {
  /** File name -> its text. */
  readonly files: Map<string, string>;
  readonly objects: ManifestObject[];
}

function writeOutput(env: EnvironmentName, overrides: Record<string, unknown> = {}): WrittenOutput {
  const root = mkdtempSync(join(tmpdir(), "clusterkit-out-"));
  const dir = join(root, "dist");
  addCharts(testEnvironment(env, overrides), dir, newContext(root));
  const files = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) files.set(f, readFileSync(join(dir, f), "utf8"));
  const objects = [...files.values()].flatMap((text) =>
    parseAllDocuments(text)
      .map((d) => d.toJSON() as ManifestObject)
      .filter(Boolean),
  );
  return { files, objects };
}

const OUTPUTS = OUTPUT_VARIANTS.map((v) => ({ ...v, out: writeOutput(v.env, v.overrides) }));

describe("every synthesized object of every chart", () => {
  for (const { label, out } of OUTPUTS) {
    it(`${label}: contains no Secret and no inline secret data`, () => {
      assert.ok(out.objects.length > 20, "the whole output was read");
      assert.deepEqual(
        out.objects.filter((o) => o.kind === "Secret").map((o) => o.metadata?.name),
        [],
      );
      for (const o of out.objects) {
        const where = `${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
        assert.ok(!("stringData" in o), `${where} carries stringData`);
        if (o.kind !== "ConfigMap") assert.ok(!("data" in o), `${where} carries data`);
        assert.ok(!("binaryData" in o), `${where} carries binaryData`);
      }
      for (const [file, text] of out.files) {
        assert.doesNotMatch(text, /(client-secret|cookie-secret|client-id|password|token)\s*[=:]\s*["']?[A-Za-z0-9+/_-]{8,}/i, file);
        assert.doesNotMatch(text, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, file);
      }
    });
  }
});

describe("the resources policy (charts/shared/workload/resources.ts)", () => {
  /** Every container of every Pod-carrying object, with its namespace. */
  function containersOf(objects: readonly ManifestObject[]) {
    const out: { where: string; namespace: string; c: { resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } } }[] = [];
    for (const o of objects) {
      const spec = (o as { spec?: { template?: { spec?: unknown } } }).spec;
      const pod = (o.kind === "PodTemplate" ? (o as { template?: { spec?: unknown } }).template?.spec : spec?.template?.spec) as
        { containers?: unknown[]; initContainers?: unknown[] } | undefined;
      if (!pod) continue;
      for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])] as {
        name: string;
        resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
      }[]) {
        out.push({ where: `${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name} ${c.name}`, namespace: o.metadata?.namespace ?? "", c });
      }
    }
    return out;
  }
  for (const { label, env, out } of OUTPUTS) {
    it(`${label}: requests and a memory limit everywhere; a CPU limit only in the executor namespace, and there equal to the request`, () => {
      const executorNamespace = testEnvironment(env).config.faas.executorNamespace;
      const all = containersOf(out.objects);
      assert.ok(all.length > 10, "containers were found");
      assert.ok(
        all.some((x) => x.namespace === executorNamespace),
        "the executor namespace was checked",
      );
      for (const { where, namespace, c } of all) {
        const r = c.resources ?? {};
        assert.ok(r.requests?.cpu && r.requests?.memory, `${where}: requests`);
        assert.ok(r.limits?.memory, `${where}: memory limit`);
        if (namespace === executorNamespace) assert.deepEqual(r.limits, r.requests, `${where}: guaranteed (limits = requests)`);
        else assert.equal(r.limits?.cpu, undefined, `${where}: no CPU limit on a trusted workload`);
      }
    });
  }
});

describe("images.ts", () => {
  it("lists no image that no chart uses (every pinned image is one something runs)", () => {
    const used = new Set<string>();
    const collect = (v: unknown): void => {
      if (typeof v === "string") used.add(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === "object") Object.values(v).forEach(collect);
    };
    for (const { out } of OUTPUTS) out.objects.forEach(collect);
    const unused = Object.entries(IMAGES)
      .filter(([, ref]) => typeof ref === "string" && !used.has(ref))
      .map(([name]) => name);
    assert.deepEqual(unused, []);
  });
});
