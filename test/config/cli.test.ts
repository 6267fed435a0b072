/**
 * `npm run synth` and `npm run config`, run in-process (fast) against scratch project roots; one
 * test runs the real entry point in a child process, as a user would.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { configMain } from "../../src/cli/commands/config";
import { synthMain } from "../../src/cli/commands/synth";
import { type CommandMain, memoryIo, runCommand } from "../../src/cli/io";
import { configFile, PROJECT_ROOT, scratchDir } from "../support/cli";

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
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [`${join(dir, e.name)}=${readFileSync(join(root, dir, e.name), "utf8")}`],
    );
  return walk(".").sort().join("\n");
}

async function run(main: CommandMain, argv: string[], env: Record<string, string | undefined> = {}, root = scratchDir()) {
  const io = memoryIo(env, root);
  const code = await runCommand(main, argv, io);
  return { code, out: io.stdout(), err: io.stderr(), root };
}

const BAD_CONFIGS: { name: string; content: unknown; field: string }[] = [
  { name: "overlapping CIDRs", content: { local: { kubernetes: { podCidr: "192.168.0.0/16" } } }, field: "local.kubernetes.podCidr" },
  {
    name: "an IP outside its subnet",
    content: { local: { workers: [{ name: "worker01", ip: "10.9.9.9", cpus: 2, memoryMiB: 2048 }] } },
    field: "local.workers.0.ip",
  },
  { name: "duplicate IPs", content: { local: { nfs: { ip: "192.168.60.11" } } }, field: "local.nfs.ip" },
  { name: "zero workers", content: { local: { workers: [] } }, field: "local.workers" },
  { name: "an unsupported Kubernetes minor", content: { local: { kubernetes: { version: "1.29" } } }, field: "local.kubernetes.version" },
  { name: "an unknown environment key", content: { production: {} }, field: "production" },
];

describe("synth with a bad config file", () => {
  for (const bad of BAD_CONFIGS) {
    it(`fails on ${bad.name}, naming ${bad.field}, and leaves earlier outputs and state untouched`, async () => {
      const root = rootWithEarlierOutputs();
      const before = listing(root);
      const r = await run(synthMain, [], { CLUSTERKIT_CONFIG: configFile(bad.content) }, root);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, new RegExp(`- ${bad.field.replace(/\./g, "\\.")}: `));
      assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
      assert.equal(listing(root), before, "nothing written or deleted");
    });
  }

  it("fails clearly when the file does not exist or is not YAML", async () => {
    const missing = await run(configMain, ["local"], { CLUSTERKIT_CONFIG: "/nonexistent/clusterkit.yaml" });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /CLUSTERKIT_CONFIG names "\/nonexistent\/clusterkit.yaml", which does not exist/);
    const dir = scratchDir();
    writeFileSync(join(dir, "bad.yaml"), "local: [unclosed");
    const broken = await run(configMain, ["local"], { CLUSTERKIT_CONFIG: join(dir, "bad.yaml") });
    assert.equal(broken.code, 1);
    assert.match(broken.err, /is not valid YAML or JSON/);
  });
});

describe("npm run config", () => {
  it("prints the effective configuration, defaults merged with the user's file", async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "c.yaml"), "local:\n  cni: flannel\n  workers:\n    - { name: worker01, ip: 192.168.60.21, cpus: 2, memoryMiB: 2048 }\n");
    const r = await run(configMain, ["local"], { CLUSTERKIT_CONFIG: join(dir, "c.yaml") });
    assert.equal(r.code, 0, r.err);
    const config = JSON.parse(r.out);
    assert.equal(config.cni, "flannel");
    assert.equal(config.workers.length, 1);
    assert.equal(config.controlPlane.ip, "192.168.60.11", "untouched defaults remain, addresses resolved");
    assert.equal(config.controlPlane.hostNumber, 11);
  });

  it("resolves a relative CLUSTERKIT_CONFIG from the user's directory (npm's INIT_CWD), not the project root", async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, "mine.yaml"), "local:\n  cni: flannel\n");
    const r = await run(configMain, ["local"], { CLUSTERKIT_CONFIG: "mine.yaml", INIT_CWD: dir });
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).cni, "flannel");
  });

  it("accepts its own output back as a complete override", async () => {
    for (const env of ["local", "ack-managed"]) {
      const printed = await run(configMain, [env]);
      assert.equal(printed.code, 0, printed.err);
      const r = await run(configMain, [env], { CLUSTERKIT_CONFIG: configFile({ [env]: JSON.parse(printed.out) }) });
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out), JSON.parse(printed.out));
    }
  });

  it("--help names the argument and gives an example; an unknown environment or extra argument is refused with the valid ones", async () => {
    const help = await run(configMain, ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /^usage: npm run -s config -- <environment>\n/);
    assert.match(help.out, /<environment> +the environment to print; one of: local, ack-managed, ack-dedicated/);
    assert.match(help.out, /example(s)?:\n {2}npm run -s config -- local\n/);
    const r = await run(configMain, ["staging"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /unknown environment "staging"; expected one of local, ack-managed, ack-dedicated/);
    const extra = await run(configMain, ["local", "ack-managed"]);
    assert.match(extra.err, /unexpected argument "ack-managed"/);
  });
});

describe("npm run synth", () => {
  it("writes Terraform JSON for every stack and manifests for every environment, keeping state, and warns about nothing on the defaults", async () => {
    const root = rootWithEarlierOutputs();
    const r = await run(synthMain, [], {}, root);
    assert.equal(r.code, 0, r.err);
    for (const stack of ["local", "ack-managed", "ack-dedicated"]) {
      const tf = JSON.parse(readFileSync(join(root, "cdktf.out/stacks", stack, "cdk.tf.json"), "utf8"));
      assert.equal(typeof tf, "object");
      assert.ok(
        readdirSync(join(root, "dist", stack)).some((f) => f.endsWith(".k8s.yaml")),
        `manifests for ${stack}`,
      );
    }
    assert.equal(readFileSync(join(root, "state/local/terraform.tfstate"), "utf8"), "earlier state");
    assert.equal(r.err, "", "the default configuration gives no warning");
  });

  it("synth <environment> writes only that environment and keeps the others' earlier output", async () => {
    const root = scratchDir();
    for (const dir of ["cdktf.out/stacks/ack-managed", "dist/ack-managed"]) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, "cdktf.out/stacks/ack-managed/cdk.tf.json"), "earlier ack terraform");
    writeFileSync(join(root, "dist/ack-managed/40-storage.k8s.yaml"), "earlier ack manifest");
    const r = await run(synthMain, ["local"], {}, root);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /synthesized cdktf\.out\/stacks\/local\/cdk\.tf\.json and dist\/local\/\*\.k8s\.yaml/);
    assert.deepEqual([...readdirSync(join(root, "cdktf.out/stacks"))].sort(), ["ack-managed", "local"]);
    assert.deepEqual([...readdirSync(join(root, "dist"))].sort(), ["ack-managed", "local"]);
    assert.equal(readFileSync(join(root, "cdktf.out/stacks/ack-managed/cdk.tf.json"), "utf8"), "earlier ack terraform");
    assert.equal(readFileSync(join(root, "dist/ack-managed/40-storage.k8s.yaml"), "utf8"), "earlier ack manifest");
  });

  it("shows warnings only for the environment it synthesizes, each naming environment and field", async () => {
    const config = configFile({ local: { cni: "flannel" }, "ack-managed": { cluster: { cni: "flannel" }, network: { podVswitches: [] } } });
    const local = await run(synthMain, ["local"], { CLUSTERKIT_CONFIG: config });
    assert.equal(local.code, 0, local.err);
    const warnings = local.err.trim().split("\n");
    assert.ok(warnings.length >= 1 && warnings.every((w) => /^WARNING: (!!! )?local: [a-zA-Z.]+[ :]/.test(w)), local.err);
    const ack = await run(synthMain, ["ack-managed"], { CLUSTERKIT_CONFIG: config });
    assert.ok(
      ack.err
        .trim()
        .split("\n")
        .every((w) => /^WARNING: (!!! )?ack-managed: (cluster\.cni|cluster\.addons)/.test(w)),
      ack.err,
    );
    assert.match(ack.err, /ack-managed: cluster\.cni is flannel: /);
  });

  it("--help explains the optional environment with examples; unknown environments and arguments are refused", async () => {
    const help = await run(synthMain, ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /^usage: npm run synth -- \[<environment>\]\n/);
    assert.match(help.out, /synthesize only this environment.*\(optional\); one of: local, ack-managed, ack-dedicated/);
    assert.match(help.out, /examples:\n {2}npm run synth\n {2}npm run synth -- local\n/);
    const prod = await run(synthMain, ["prod"]);
    assert.equal(prod.code, 1);
    assert.match(prod.err, /clusterkit: unknown environment "prod"; expected one of local, ack-managed, ack-dedicated/);
    assert.equal(prod.out, "", "nothing synthesized");
    const option = await run(synthMain, ["--fast"]);
    assert.match(option.err, /unknown option "--fast"; this command takes no options but --help/);
  });

  it("the real entry point, as npm runs it (scripts/synth.mjs, the bundle): exit status, stdout and no stack trace on a bad argument", () => {
    const root = scratchDir();
    const synth = (arg: string) =>
      spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "synth.mjs"), arg], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, CLUSTERKIT_ROOT: root, CLUSTERKIT_CONFIG: undefined },
        encoding: "utf8",
        timeout: 60_000,
      });
    const ok = synth("local");
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /clusterkit: synthesized cdktf\.out\/stacks\/local/);
    const bad = synth("prod");
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^clusterkit: unknown environment "prod"/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });
});
