/**
 * Every synthesized platform object validates: built-in kinds against the Kubernetes API schema
 * (kubernetes-models), custom resources against the openAPIV3Schema of the pinned upstream CRD of
 * the release the cluster gets (committed fixtures, see test/fixtures/crd-schemas/README.md).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { ALL_UPSTREAM_INSTALLS } from "../../src/config/upstream";
import { kubernetesRelease } from "../../src/config/versions";
import Ajv from "ajv";
import { CRD_SCHEMA_DIR, ManifestValidator, closeSchema, crdSchemaFixtureFiles, prunedSchema, readCrdSchemaFixture } from "../support/k8s-validate";
import { one, synthPlatform } from "./helpers";

const validators = new Map<string, ManifestValidator>();

/** A validator with MetalLB's CRDs and the Installation CRD of the given Calico release (compiled once: ajv is slow on the 140 KB schema). */
function validatorFor(calico: string): ManifestValidator {
  const cached = validators.get(calico);
  if (cached) return cached;
  const v = new ManifestValidator();
  validators.set(calico, v);
  for (const f of crdSchemaFixtureFiles()) {
    if (f.startsWith("metallb.io_") || f.endsWith(`_calico-${calico}.json`)) v.addCrdSchemaFile(join(CRD_SCHEMA_DIR, f));
  }
  return v;
}

describe("CRD schema fixtures", () => {
  // Provenance as declared; upstream-crds.test.ts re-derives the content from ../shared/upstream.
  it("declare a source file that the install table pins, with the same SHA-256", () => {
    const files = crdSchemaFixtureFiles();
    assert.ok(files.length >= 4);
    for (const f of files) {
      const fixture = readCrdSchemaFixture(join(CRD_SCHEMA_DIR, f));
      const install = ALL_UPSTREAM_INSTALLS.find((i) => `${i.id}.yaml` === fixture.source.file);
      assert.ok(install, `${f}: ${fixture.source.file} is not an install in src/config/upstream.ts`);
      assert.equal(fixture.source.sha256, install.sha256, f);
      assert.equal(typeof fixture.openAPIV3Schema.properties, "object", `${f} has a schema`);
    }
  });
});

const VARIANTS = [
  { label: "local, Kubernetes 1.35, Calico", env: "local", overrides: {} },
  { label: "local, Kubernetes 1.30, Calico", env: "local", overrides: { kubernetes: { version: "1.30" } } },
  { label: "local, Flannel", env: "local", overrides: { cni: "flannel" } },
  { label: "ack-managed", env: "ack-managed", overrides: {} },
  { label: "ack-dedicated", env: "ack-dedicated", overrides: {} },
] as const;

for (const { label, env, overrides } of VARIANTS) {
  it(`every object validates (${label})`, () => {
    const { all } = synthPlatform(env, overrides);
    const minor = (overrides as { kubernetes?: { version?: string } }).kubernetes?.version ?? "1.35";
    const problems = validatorFor(kubernetesRelease(minor).calico).validateAll(all);
    assert.deepEqual(problems, []);
    assert.ok(all.length > 5);
  });
}

describe("the validator is not vacuous", () => {
  const { charts } = synthPlatform("local");
  const v = validatorFor("v3.32.1");

  it("rejects an Installation with an unknown encapsulation or a misspelt field", () => {
    const inst = JSON.parse(JSON.stringify(one(charts.get("10-cni")!, "Installation"))) as { spec: { calicoNetwork: { ipPools: Record<string, unknown>[] } } };
    inst.spec.calicoNetwork.ipPools[0]!.encapsulation = "GRE";
    inst.spec.calicoNetwork.ipPools[0]!.natOutgong = "Enabled";
    const problems = v.validate(inst as never);
    assert.ok(
      problems.some((p) => p.includes("encapsulation") && p.includes("allowed values")),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.includes("natOutgong")),
      problems.join("\n"),
    );
  });

  it("rejects an L2Advertisement whose interfaces is not a list", () => {
    const l2 = JSON.parse(JSON.stringify(one(charts.get("30-metallb-config")!, "L2Advertisement"))) as { spec: Record<string, unknown> };
    l2.spec.interfaces = "enp0s8";
    assert.ok(v.validate(l2 as never).some((p) => p.includes("/spec/interfaces")));
  });

  it("rejects a Deployment with a wrongly typed field and an unknown kind", () => {
    const d = JSON.parse(JSON.stringify(one(charts.get("50-web")!, "Deployment"))) as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    d.spec.template.spec.containers[0]!.ports = "8080";
    assert.equal(v.validate(d as never).length > 0, true);
    assert.match(v.validate({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })[0]!, /no Kubernetes API model/);
  });
});

describe("prunedSchema (CRD schemas compiled for the object at hand)", () => {
  /** A CRD-like schema with every construct pruning follows: nested objects, arrays, maps, anyOf, required, closed objects. */
  const schema = closeSchema({
    type: "object",
    required: ["spec"],
    properties: {
      spec: {
        type: "object",
        required: ["mode"],
        properties: {
          mode: { type: "string", enum: ["a", "b"] },
          pools: { type: "array", items: { type: "object", properties: { cidr: { type: "string" }, size: { "x-kubernetes-int-or-string": true } } } },
          labels: { type: "object", additionalProperties: { type: "string" } },
          limits: { type: "object", additionalProperties: { type: "object", properties: { max: { type: "integer" } } } },
          unused: { type: "object", properties: { deep: { type: "string" } } },
        },
      },
    },
  });
  const errors = (s: unknown, value: unknown) => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(s as object);
    validate(value);
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`).sort();
  };
  const cases: Record<string, unknown> = {
    valid: { spec: { mode: "a", pools: [{ cidr: "10.0.0.0/8", size: 3 }, { size: "x" }], labels: { a: "b" }, limits: { cpu: { max: 2 } } } },
    "unknown fields at every level": { spec: { mode: "a", typo: 1, pools: [{ cidr: "x", cidrr: "y" }], limits: { cpu: { max: 1, min: 0 } } }, extra: true },
    "wrong types and enum": { spec: { mode: "c", pools: [{ size: 1.5 }], labels: { a: 1 }, limits: { cpu: { max: "two" } } } },
    "missing required": { spec: { pools: [] } },
    "not an object": { spec: "x" },
  };

  it("reports exactly what the whole schema reports, for valid and invalid objects", () => {
    for (const [name, value] of Object.entries(cases)) {
      const whole = errors(schema, value);
      assert.deepEqual(errors(prunedSchema(schema, [value]), value), whole, name);
      if (name !== "valid") assert.ok(whole.length > 0, `${name} is a real failure`);
    }
  });

  it("keeps only the fields the object has", () => {
    const pruned = prunedSchema(schema, [cases.valid]) as { properties: { spec: { properties: Record<string, unknown> } } };
    assert.deepEqual(Object.keys(pruned.properties.spec.properties).sort(), ["labels", "limits", "mode", "pools"]);
  });
});
