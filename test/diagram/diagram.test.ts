/**
 * `npm run diagram -- local` as a user runs it (scratch project root): a well-formed SVG naming
 * every VM with its address, the networks and every workload component inside its namespace box,
 * the NetworkPolicy edges, and a PNG; and `npm run synth` never draws it but keeps it.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, it } from "@jest/globals";
import { defaultConfigs } from "../../src/config/defaults";
import { environments } from "../../src/config/load";
import { buildDiagram, diagramDir } from "../../src/diagram/diagram";
import { toDot } from "../../src/diagram/dot";
import { synthMain } from "../../src/cli/commands/synth";
import { PROJECT_ROOT, runEntry, scratchDir } from "../support/cli";
import { type CommandResult, runCommandIn } from "../support/commands";
import { elements, parseXml, texts, type XmlElement } from "./xml";

const local = defaultConfigs().local;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Box {
  readonly title: string;
  readonly texts: string[];
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
}

const titleOf = (g: XmlElement) => {
  const t = g.children.find((c): c is XmlElement => typeof c !== "string" && c.name === "title");
  return t ? t.children.filter((c): c is string => typeof c === "string").join("") : "";
};

/** Graphviz `<g class="node|cluster">` elements with their title, texts and bounding box. */
function boxes(svg: XmlElement, cls: string): Box[] {
  return elements(svg)
    .filter((e) => e.name === "g" && e.attrs.class === cls)
    .map((g) => {
      const xs: number[] = [];
      const ys: number[] = [];
      for (const e of elements(g)) {
        const nums = (e.attrs.points ?? e.attrs.d ?? "").match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [];
        for (let k = 0; k + 1 < nums.length; k += 2) {
          xs.push(nums[k]!);
          ys.push(nums[k + 1]!);
        }
        if (e.name === "text") {
          xs.push(Number(e.attrs.x));
          ys.push(Number(e.attrs.y));
        }
      }
      return { title: titleOf(g), texts: texts(g), minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
    });
}

const inside = (inner: Box, outer: Box) => inner.minX >= outer.minX && inner.maxX <= outer.maxX && inner.minY >= outer.minY && inner.maxY <= outer.maxY;

describe("npm run diagram -- local", () => {
  const root = scratchDir();
  const dir = join(root, "diagrams", "local");
  let svgText = "";
  let svg: XmlElement;
  let synthBefore: CommandResult;

  beforeAll(async () => {
    // synth alone draws nothing (it must stay fast) ...
    synthBefore = await runCommandIn(synthMain, [], root);
    // The one run of the real entry point, as npm starts it.
    const r = runEntry("scripts/diagram.ts", ["local"], { CLUSTERKIT_ROOT: root, CLUSTERKIT_CONFIG: undefined });
    assert.equal(r.status, 0, r.stderr);
    svgText = readFileSync(join(dir, "architecture.svg"), "utf8");
    svg = parseXml(svgText);
  });

  it("is not drawn by npm run synth", () => {
    assert.equal(synthBefore.status, 0, synthBefore.stderr);
    assert.ok(existsSync(join(root, "dist", "local", "60-faas.k8s.yaml")));
    assert.match(synthBefore.stdout, /synthesized/);
  });

  it("writes a well-formed SVG document", () => {
    assert.equal(svg.name, "svg");
    assert.equal(svg.attrs.xmlns, "http://www.w3.org/2000/svg");
  });

  it("names every VM with its address, in one node each", () => {
    const nodes = boxes(svg, "node");
    for (const vm of [local.controlPlane, ...local.workers, local.nfs]) {
      const node = nodes.find((n) => n.texts[0] === vm.name);
      assert.ok(node, `node for ${vm.name}`);
      assert.ok(node.texts.includes(vm.ip), `${vm.name} shows ${vm.ip}: ${node.texts.join(" | ")}`);
    }
    assert.ok(
      nodes.some((n) => n.texts.some((t) => t.startsWith(local.network.hostIp))),
      "the host's address",
    );
  });

  it("shows the host-only network, the NAT network and the MetalLB pool from config", () => {
    const all = texts(svg).join("\n");
    assert.ok(all.includes(`host-only network ${local.network.cidr}`));
    assert.ok(all.includes(local.network.natCidr));
    assert.ok(all.includes(`${local.metallb.addressStart} – ${local.metallb.addressEnd}`));
    const network = boxes(svg, "cluster").find((c) => c.title === "cluster_hostonly")!;
    for (const vm of boxes(svg, "node").filter((n) => n.title.startsWith("vm_")))
      assert.ok(inside(vm, network), `${vm.title} drawn inside the host-only network`);
  });

  it("draws every workload component inside its namespace box", () => {
    const nodes = boxes(svg, "node");
    const clusters = boxes(svg, "cluster");
    const expected: [string, string][] = [
      ...["oauth2-proxy", "frontend", "nats", "middleware"].map((c) => [c, local.faas.namespace] as [string, string]),
      ...["executor-go", "executor-javascript", "executor-c"].map((c) => [c, local.faas.executorNamespace] as [string, string]),
      ["web", local.webApp.namespace],
    ];
    for (const [component, ns] of expected) {
      const node = nodes.find((n) => n.texts[0] === component);
      assert.ok(node, `component ${component}`);
      const box = clusters.find((c) => c.texts[0] === `namespace ${ns}`);
      assert.ok(box, `namespace box ${ns}`);
      assert.ok(inside(node, box), `${component} inside namespace ${ns}`);
    }
  });

  it("draws the allowed NetworkPolicy edges, and none the policies deny", () => {
    const edges = new Set(boxes(svg, "edge").map((e) => e.title.replace("->", "→")));
    assert.ok(edges.has("w_faas_oauth2_proxy→w_faas_frontend"), "oauth2-proxy may call the frontend");
    assert.ok(edges.has("w_faas_middleware→w_faas_nats"), "the middleware reaches NATS");
    // Executors reach nothing at all (no NATS, no DNS): no edge leaves them.
    for (const lang of ["go", "javascript", "c"])
      assert.deepEqual(
        [...edges].filter((e) => e.startsWith(`w_faas_executors_executor_${lang}→`)),
        [],
        `executor-${lang}`,
      );
    for (const lang of ["go", "javascript", "c"]) {
      for (const target of ["w_faas_frontend", "w_faas_oauth2_proxy", "w_faas_middleware", "internet", "vm_cp"]) {
        assert.ok(!edges.has(`w_faas_executors_executor_${lang}→${target}`), `executor-${lang} must not reach ${target}`);
      }
    }
    assert.ok(!edges.has("host→w_faas_nats"), "NATS is not reachable from outside");
  });

  it("writes a PNG", () => {
    const png = readFileSync(join(dir, "architecture.png"));
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    assert.ok(png.length > 10_000);
  });

  it("lives outside the folder cdk8s synth deletes (cdk8s.yaml output), and survives a later npm run synth", async () => {
    const cdk8sOut = /^output:\s*(\S+)\s*$/m.exec(readFileSync(join(PROJECT_ROOT, "cdk8s.yaml"), "utf8"))?.[1];
    assert.ok(cdk8sOut, "cdk8s.yaml names its output folder");
    const rel = relative(join(root, cdk8sOut), diagramDir(root, "local"));
    assert.ok(rel.startsWith(".."), `diagrams/ must not be inside ${cdk8sOut}/, which cdk8s synth removes`);
    const r = await runCommandIn(synthMain, [], root);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(join(dir, "architecture.svg"), "utf8"), svgText);
  });
});

describe("diagram model", () => {
  it("shows every ACK zone with its vSwitch CIDRs, the NAT gateway, NAS and node pool", () => {
    const configs = defaultConfigs();
    const env = environments(configs).find((e) => e.name === "ack-managed")!;
    const dot = toDot(buildDiagram(env, [], { nas_server: "0a1b2c.eu-central-1.nas.aliyuncs.com" }));
    for (const vs of configs["ack-managed"].network.vswitches) {
      assert.ok(dot.includes(`label="${vs.zone}"`), vs.zone);
      assert.ok(dot.includes(`node vSwitch ${vs.cidr}`), vs.cidr);
    }
    assert.match(dot, /Enhanced NAT gateway/);
    assert.match(dot, /NAS file system[^"]*0a1b2c\.eu-central-1\.nas\.aliyuncs\.com/);
    assert.match(dot, new RegExp(`node pool ${configs["ack-managed"].nodePool.name}`));
    assert.match(dot, new RegExp(`VPC ${configs["ack-managed"].network.vpcCidr.replace(/\./g, "\\.")}`));
  });

  it("warns in the picture when the CNI does not enforce NetworkPolicy", () => {
    const configs = defaultConfigs();
    configs.local.cni = "flannel";
    const env = environments(configs).find((e) => e.name === "local")!;
    assert.match(toDot(buildDiagram(env, [])), /WARNING: flannel does not enforce NetworkPolicy/);
    configs.local.cni = "calico";
    assert.doesNotMatch(
      toDot(
        buildDiagram(
          environments(configs).find((e) => e.name === "local")!,
          [],
        ),
      ),
      /WARNING/,
    );
  });
});
