/**
 * Issue 4 acceptance: when the pinned upstream manifests are present at `<root>/../shared/upstream`,
 * check their SHA-256 against the install table, validate our custom resources against the CRD
 * schemas taken from THOSE files, and prove the committed fixtures equal them (descriptions
 * stripped). Without the folder (a fresh clone) the tests say so and skip: the custom resources are
 * then validated against the committed fixtures only (schema.test.ts).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe } from "@jest/globals";
import { itIf } from "../support/requires";
import { load } from "js-yaml";
import { ALL_UPSTREAM_INSTALLS } from "../../src/config/upstream";
import { kubernetesRelease } from "../../src/config/versions";
import { CRD_SCHEMA_DIR, type CrdSchemaFixture, ManifestValidator, crdSchemaFixtureFiles, readCrdSchemaFixture } from "../support/k8s-validate";
import { ofKind, synthPlatform } from "./helpers";

const UPSTREAM_DIR = resolve(__dirname, "..", "..", "..", "shared", "upstream");
const PRESENT = existsSync(UPSTREAM_DIR);
const SKIP = "../shared/upstream not present: custom resources validated against the committed fixtures only";

/** The upstream files the CRD schemas come from. */
const FILES = ["metallb-native-v0.16.1.yaml", "tigera-operator-v3.29.7.yaml", "calico-operator-crds-v3.32.1.yaml"] as const;

interface Crd {
  metadata: { name: string };
  spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema?: { openAPIV3Schema: Record<string, unknown> } }[] };
}

const texts = new Map<string, string>();
function upstreamText(file: string): string {
  let t = texts.get(file);
  if (t === undefined) texts.set(file, (t = readFileSync(join(UPSTREAM_DIR, file), "utf8")));
  return t;
}

/**
 * The CRD `name` from a multi-document file. Only the one document that names it is YAML-parsed
 * (the Calico files are up to 3 MB of mostly other CRDs).
 */
const crds = new Map<string, Crd>();
function upstreamCrd(file: string, name: string): Crd {
  const cached = crds.get(`${file}#${name}`);
  if (cached) return cached;
  const namePattern = new RegExp(`^  name: ${name.replace(/\./g, "\\.")}\\s*$`, "m");
  const docs = upstreamText(file)
    .split(/^---\s*$/m)
    .filter((d) => /^kind: CustomResourceDefinition\s*$/m.test(d) && namePattern.test(d));
  assert.equal(docs.length, 1, `${file} holds exactly one CRD ${name}`);
  // js-yaml: several times faster than the yaml library on these large documents.
  const crd = load(docs[0]!) as Crd;
  assert.equal(crd.metadata.name, name);
  crds.set(`${file}#${name}`, crd);
  return crd;
}

/** The schema of the served version `apiVersion` (group/version) of the CRD. */
function upstreamSchema(file: string, crdName: string, apiVersion: string): Record<string, unknown> {
  const crd = upstreamCrd(file, crdName);
  const [group, version] = apiVersion.split("/");
  assert.equal(crd.spec.group, group);
  const v = crd.spec.versions.find((x) => x.name === version && x.served);
  assert.ok(v?.schema, `${crdName} serves ${version} with a schema`);
  return v.schema.openAPIV3Schema;
}

/** Removes `description` annotations (string values), leaving a property that is named `description` alone. */
function stripDescriptions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDescriptions);
  if (!v || typeof v !== "object") return v;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .filter(([k, x]) => !(k === "description" && typeof x === "string"))
      .map(([k, x]) => [k, stripDescriptions(x)]),
  );
}

const fixtures = (): { file: string; fixture: CrdSchemaFixture }[] =>
  crdSchemaFixtureFiles().map((f) => ({ file: f, fixture: readCrdSchemaFixture(join(CRD_SCHEMA_DIR, f)) }));

describe("custom resources against the pinned upstream CRDs (../shared/upstream)", () => {
  itIf(PRESENT ? undefined : SKIP, "the upstream files have the SHA-256 the install table pins", () => {
    for (const file of FILES) {
      const install = ALL_UPSTREAM_INSTALLS.find((i) => `${i.id}.yaml` === file);
      assert.ok(install, `${file} is an install in src/config/upstream.ts`);
      const sha = createHash("sha256")
        .update(readFileSync(join(UPSTREAM_DIR, file)))
        .digest("hex");
      assert.equal(sha, install.sha256, file);
    }
  });

  itIf(PRESENT ? undefined : SKIP, "the committed fixtures equal the upstream schemas, descriptions stripped, and name the right file", () => {
    const all = fixtures();
    assert.equal(all.length, 4);
    for (const { file, fixture } of all) {
      assert.ok((FILES as readonly string[]).includes(fixture.source.file), `${file}: ${fixture.source.file}`);
      const sha = createHash("sha256")
        .update(readFileSync(join(UPSTREAM_DIR, fixture.source.file)))
        .digest("hex");
      assert.equal(fixture.source.sha256, sha, `${file} declares the real file's hash`);
      assert.deepEqual(fixture.openAPIV3Schema, stripDescriptions(upstreamSchema(fixture.source.file, fixture.source.crd, fixture.apiVersion)), file);
      assert.equal(upstreamCrd(fixture.source.file, fixture.source.crd).spec.names.kind, fixture.kind);
    }
  });

  for (const minor of ["1.35", "1.30"]) {
    itIf(
      PRESENT ? undefined : SKIP,
      `our IPAddressPool, L2Advertisement and Installation validate against the upstream CRDs (local, Kubernetes ${minor})`,
      () => {
        const calico = kubernetesRelease(minor).calico;
        const calicoFile = FILES.find((f) => !f.startsWith("metallb-") && f.endsWith(`-${calico}.yaml`));
        assert.ok(calicoFile, `an upstream file for Calico ${calico}`);
        const v = new ManifestValidator();
        const add = (file: string, crd: string, apiVersion: string, kind: string) =>
          v.addCrdSchema({ source: { file, sha256: "", crd }, apiVersion, kind, openAPIV3Schema: upstreamSchema(file, crd, apiVersion) });
        add("metallb-native-v0.16.1.yaml", "ipaddresspools.metallb.io", "metallb.io/v1beta1", "IPAddressPool");
        add("metallb-native-v0.16.1.yaml", "l2advertisements.metallb.io", "metallb.io/v1beta1", "L2Advertisement");
        add(calicoFile, "installations.operator.tigera.io", "operator.tigera.io/v1", "Installation");
        const { all } = synthPlatform("local", { kubernetes: { version: minor } });
        const custom = [...ofKind(all, "IPAddressPool"), ...ofKind(all, "L2Advertisement"), ...ofKind(all, "Installation")];
        assert.equal(custom.length, 3);
        assert.deepEqual(v.validateAll(custom), []);
        // Not vacuous: the upstream schema rejects a misspelt field.
        const bad = JSON.parse(JSON.stringify(ofKind(all, "L2Advertisement")[0])) as { spec: Record<string, unknown> };
        bad.spec.interface = "enp0s8";
        assert.ok(v.validate(bad as never).some((p) => p.includes("interface")));
      },
    );
  }
});
