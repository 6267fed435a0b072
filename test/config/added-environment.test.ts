/**
 * Environments are data: a config file alone adds an ACK environment (a second region), which
 * synthesizes stacks and manifests like a shipped one; the cluster flavour is `cluster.type`, never
 * the environment's name; mistakes in an added environment get the same clear errors as a preset's.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "@jest/globals";
import { parseAllDocuments } from "yaml";
import { configMain } from "../../src/cli/commands/config";
import { synthMain } from "../../src/cli/commands/synth";
import { type CommandMain, memoryIo, runCommand } from "../../src/cli/io";
import { validateConfigs } from "../../src/config/load";
import { configFile, scratchDir } from "../support/cli";

/** The override a user writes: a second ACK region, a dedicated cluster, nothing else. */
const ADDED = `# a second ACK region, in config alone
ack-shanghai:
  platform: ack
  region: cn-shanghai
  cluster: { type: dedicated }
`;

function yamlFile(text: string): string {
  const file = join(scratchDir(), "clusterkit.yaml");
  writeFileSync(file, text);
  return file;
}

async function run(main: CommandMain, argv: string[], env: Record<string, string>, root = scratchDir()) {
  const io = memoryIo(env, root);
  const code = await runCommand(main, argv, io);
  return { code, out: io.stdout(), err: io.stderr(), root };
}

type Tf = {
  provider: { alicloud: { region: string }[] };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  terraform: { backend: { local?: { path: string } } };
};

function problems(overrides: Record<string, unknown>): string[] {
  return validateConfigs(overrides).problems.map((p) => `${p.path}: ${p.message}`);
}

describe("an environment added in the config file alone", () => {
  const file = yamlFile(ADDED);

  it("synthesizes its stack in its region with the cluster type it names, and its manifests", async () => {
    const r = await run(synthMain, ["ack-shanghai"], { CLUSTERKIT_CONFIG: file });
    assert.equal(r.code, 0, r.err);
    const tf = JSON.parse(readFileSync(join(r.root, "cdktf.out/stacks/ack-shanghai/cdk.tf.json"), "utf8")) as Tf;
    assert.deepEqual([...new Set(tf.provider.alicloud.map((p) => p.region))], ["cn-shanghai"]);
    assert.ok(tf.resource.alicloud_cs_kubernetes, "cluster.type dedicated: alicloud_cs_kubernetes");
    assert.equal(tf.resource.alicloud_cs_managed_kubernetes, undefined, "no managed cluster");
    const zones = Object.values(tf.resource.alicloud_vswitch ?? {}).map((v) => String(v.zone_id));
    assert.ok(zones.length >= 3 && zones.every((z) => z.startsWith("cn-shanghai-")), zones.join(", "));
    assert.deepEqual(tf.terraform.backend.local, { path: "../../../state/ack-shanghai/terraform.tfstate" });
    const cluster = Object.values(tf.resource.alicloud_cs_kubernetes)[0]!;
    assert.equal((cluster.tags as Record<string, string>).environment, "ack-shanghai");

    const manifests = (name: string) =>
      parseAllDocuments(readFileSync(join(r.root, "dist/ack-shanghai", name), "utf8")).map((d) => d.toJS() as { kind: string; spec?: Record<string, unknown> });
    assert.ok(
      manifests("40-storage.k8s.yaml").some((o) => o.kind === "PersistentVolume"),
      "the NAS volume",
    );
    assert.ok(
      manifests("50-web.k8s.yaml").some((o) => o.kind === "Ingress"),
      "an ALB Ingress, as on ACK",
    );
    const faas = readFileSync(join(r.root, "dist/ack-shanghai/60-faas.k8s.yaml"), "utf8");
    assert.match(faas, /registry-vpc\.cn-shanghai\.aliyuncs\.com\/clusterkit\/frontend:/, "images from the region's registry");
    const precondition = (cluster.lifecycle as { precondition: { error_message: string }[] }).precondition[0]!;
    assert.match(precondition.error_message, /^ack-shanghai\.allowDedicatedDeploy: must be true to deploy/, "the dedicated opt-in names this environment");
  });

  it("npm run config prints it with its platform and cluster type; the shipped ones stay as they were", async () => {
    const r = await run(configMain, ["ack-shanghai"], { CLUSTERKIT_CONFIG: file });
    assert.equal(r.code, 0, r.err);
    const c = JSON.parse(r.out) as { platform: string; region: string; cluster: { type: string; name: string }; kubeconfigPath: string };
    assert.deepEqual(
      [c.platform, c.region, c.cluster.type, c.cluster.name, c.kubeconfigPath],
      ["ack", "cn-shanghai", "dedicated", "ack-shanghai", "state/ack-shanghai/kubeconfig"],
    );
    const managed = JSON.parse((await run(configMain, ["ack-managed"], { CLUSTERKIT_CONFIG: file })).out) as { region: string; cluster: { type: string } };
    assert.deepEqual([managed.region, managed.cluster.type], ["eu-central-1", "managed"]);
  });

  it("an unknown environment is refused with every valid name, the added one included", async () => {
    const r = await run(synthMain, ["ack-shangai"], { CLUSTERKIT_CONFIG: file });
    assert.equal(r.code, 1);
    assert.match(r.err, /unknown environment "ack-shangai"; expected one of local, ack-managed, ack-dedicated, ack-shanghai/);
  });

  it("mistakes in an added environment name the field and the rule, with no stack trace", async () => {
    const r = await run(synthMain, [], {
      CLUSTERKIT_CONFIG: configFile({ "ack-shanghai": { platform: "ack", region: "cn-shanghai", cluster: { type: "serverless" } } }),
    });
    assert.equal(r.code, 1);
    assert.match(r.err, /- ack-shanghai\.cluster\.type: must be one of managed, dedicated/);
    assert.doesNotMatch(r.err, /\n\s+at /);
    assert.ok(
      problems({ "ack-shanghai": { region: "cn-shanghai" } }).some((p) =>
        /^ack-shanghai: unknown environment; .*add an environment with `ack-shanghai: \{ platform: ack/.test(p),
      ),
      "no platform: how to add one",
    );
    assert.ok(problems({ "ack-manged": { platform: "ack" } }).length === 0, "a new name with a platform is an environment");
    assert.ok(problems({ "ack-manged": {} }).some((p) => p.includes('did you mean "ack-managed"?')));
    assert.ok(problems({ lab2: { platform: "local" } }).some((p) => /^lab2\.platform: there is one local environment per machine/.test(p)));
    assert.ok(problems({ "ack-x": { platform: "gke" } }).some((p) => p === "ack-x.platform: must be one of local, ack"));
    assert.ok(problems({ ack_x: { platform: "ack" } }).some((p) => /^ack_x: an environment name must be a DNS label/.test(p)));
    assert.ok(
      problems({ "ack-x": { platform: "ack", region: "cn-hangzhou", network: { vswitches: [{ zone: "eu-central-1a", cidr: "172.16.0.0/20" }] } } }).some((p) =>
        p.startsWith("ack-x.network.vswitches.0.zone: eu-central-1a is not a zone of region cn-hangzhou"),
      ),
    );
    assert.ok(problems({ local: { platform: "ack" } }).some((p) => p.startsWith("local.platform: must be local")));
  });
});

describe("the cluster flavour is a field, not the environment's name", () => {
  it("ack-dedicated with cluster.type managed is a managed cluster, and ack-managed with dedicated a dedicated one (3 or 5 masters checked)", async () => {
    const file = configFile({ "ack-dedicated": { cluster: { type: "managed" } }, "ack-managed": { cluster: { type: "dedicated" } } });
    const root = scratchDir();
    for (const env of ["ack-dedicated", "ack-managed"]) assert.equal((await run(synthMain, [env], { CLUSTERKIT_CONFIG: file }, root)).code, 0);
    const tf = (env: string) => JSON.parse(readFileSync(join(root, `cdktf.out/stacks/${env}/cdk.tf.json`), "utf8")) as Tf;
    assert.ok(tf("ack-dedicated").resource.alicloud_cs_managed_kubernetes && !tf("ack-dedicated").resource.alicloud_cs_kubernetes);
    assert.ok(tf("ack-managed").resource.alicloud_cs_kubernetes && !tf("ack-managed").resource.alicloud_cs_managed_kubernetes);
    assert.ok(
      problems({ "ack-managed": { cluster: { type: "dedicated" }, masters: { count: 4 } } }).some((p) =>
        p.startsWith("ack-managed.masters.count: 4 is not allowed"),
      ),
    );
    assert.deepEqual(problems({ "ack-dedicated": { cluster: { type: "managed" }, masters: { count: 4 } } }), [], "masters matter only on a dedicated cluster");
  });
});
