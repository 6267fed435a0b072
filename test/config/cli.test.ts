import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { configFile, runEntry, scratchDir } from "../support/cli";

/** A scratch project root holding earlier outputs and state that a failed synth must not touch. */
function rootWithEarlierOutputs(): string {
  const root = scratchDir();
  for (const dir of ["cdktf.out/stacks/local", "dist/local", "state/local"]) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, "cdktf.out/stacks/local/cdk.tf.json"), "earlier terraform");
  writeFileSync(join(root, "dist/local/10-cni.k8s.yaml"), "earlier manifest");
  writeFileSync(join(root, "state/local/terraform.tfstate"), "earlier state");
  return root;
}

function listing(root: string): string {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [`${join(dir, e.name)}=${readFileSync(join(root, dir, e.name), "utf8")}`]));
  return walk(".").sort().join("\n");
}

const BAD_CONFIGS: { name: string; content: unknown; field: string }[] = [
  { name: "overlapping CIDRs", content: { local: { kubernetes: { podCidr: "192.168.0.0/16" } } }, field: "local.kubernetes.podCidr" },
  { name: "an IP outside its subnet", content: { local: { workers: [{ name: "worker01", ip: "10.9.9.9", cpus: 2, memoryMiB: 2048 }] } }, field: "local.workers.0.ip" },
  { name: "duplicate IPs", content: { local: { nfs: { ip: "192.168.60.11" } } }, field: "local.nfs.ip" },
  { name: "zero workers", content: { local: { workers: [] } }, field: "local.workers" },
  { name: "an unsupported Kubernetes minor", content: { local: { kubernetes: { version: "1.29" } } }, field: "local.kubernetes.version" },
  { name: "an unknown environment key", content: { production: {} }, field: "production" },
];

describe("synth with a bad config file", () => {
  for (const bad of BAD_CONFIGS) {
    it(`fails on ${bad.name}, naming ${bad.field}, and leaves earlier outputs and state untouched`, () => {
      const root = rootWithEarlierOutputs();
      const before = listing(root);
      const r = runEntry("src/main.ts", [], { CLUSTERKIT_ROOT: root, CLUSTERKIT_CONFIG: configFile(bad.content) });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`- ${bad.field.replace(/\./g, "\\.")}: `));
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
      assert.equal(listing(root), before, "nothing written or deleted");
    });
  }

  it("fails clearly when the file does not exist or is not YAML", () => {
    const missing = runEntry("src/cli/config.ts", ["local"], { CLUSTERKIT_CONFIG: "/nonexistent/clusterkit.yaml" });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /CLUSTERKIT_CONFIG names "\/nonexistent\/clusterkit.yaml", which does not exist/);
    const dir = scratchDir();
    writeFileSync(join(dir, "bad.yaml"), "local: [unclosed");
    const broken = runEntry("src/cli/config.ts", ["local"], { CLUSTERKIT_CONFIG: join(dir, "bad.yaml") });
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /is not valid YAML or JSON/);
  });
});

describe("npm run config", () => {
  it("prints the effective configuration, defaults merged with the user's file", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "c.yaml"), "local:\n  cni: flannel\n  workers:\n    - { name: worker01, ip: 192.168.60.21, cpus: 2, memoryMiB: 2048 }\n");
    const r = runEntry("src/cli/config.ts", ["local"], { CLUSTERKIT_CONFIG: join(dir, "c.yaml") });
    assert.equal(r.status, 0, r.stderr);
    const config = JSON.parse(r.stdout);
    assert.equal(config.cni, "flannel");
    assert.equal(config.workers.length, 1);
    assert.equal(config.controlPlane.ip, "192.168.60.11", "untouched defaults remain");
  });

  it("resolves a relative CLUSTERKIT_CONFIG from the user's directory (npm's INIT_CWD), not the project root", () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "mine.yaml"), "local:\n  cni: flannel\n");
    const r = runEntry("src/cli/config.ts", ["local"], { CLUSTERKIT_CONFIG: "mine.yaml", INIT_CWD: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).cni, "flannel");
  });

  it("accepts its own output back as a complete override", () => {
    const printed = runEntry("src/cli/config.ts", ["ack-managed"]);
    assert.equal(printed.status, 0, printed.stderr);
    const r = runEntry("src/cli/config.ts", ["ack-managed"], { CLUSTERKIT_CONFIG: configFile({ "ack-managed": JSON.parse(printed.stdout) }) });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), JSON.parse(printed.stdout));
  });

  it("rejects an unknown environment name", () => {
    const r = runEntry("src/cli/config.ts", ["staging"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown environment "staging"; expected one of local, ack-managed, ack-dedicated/);
  });
});

describe("npm run synth", () => {
  it("writes Terraform JSON for every stack and manifests for every environment, keeping state", () => {
    const root = rootWithEarlierOutputs();
    const r = runEntry("src/main.ts", [], { CLUSTERKIT_ROOT: root });
    assert.equal(r.status, 0, r.stderr);
    for (const stack of ["local", "ack-managed", "ack-dedicated"]) {
      const tf = JSON.parse(readFileSync(join(root, "cdktf.out/stacks", stack, "cdk.tf.json"), "utf8"));
      assert.equal(typeof tf, "object");
      assert.ok(readdirSync(join(root, "dist", stack)).some((f) => f.endsWith(".k8s.yaml")), `manifests for ${stack}`);
    }
    assert.equal(readFileSync(join(root, "state/local/terraform.tfstate"), "utf8"), "earlier state");
  });
});
