/**
 * Alibaba Container Registry (personal edition) in the ACK stack: one namespace, one repository per
 * service image that lives there (derived from the configured image references, so the manifests
 * and the stack name the same repositories), no auto-created repositories, the push and VPC pull
 * endpoints as outputs, and resources valid against the pinned provider schema.
 */
import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { checkAgainstProviderSchema } from "../support/provider-schema";
import { alicloudProviderSchema, instances, only, synthAck } from "./synth-ack";

const acr = (name: string, ns = "clusterkit", region = "eu-central-1") => `registry-vpc.${region}.aliyuncs.com/${ns}/${name}:0123456789abcdef0123`;
const acrImages = (ns?: string, region?: string) => ({
  faas: {
    frontend: { image: acr("frontend", ns, region) },
    middleware: { image: acr("middleware", ns, region) },
    executors: { images: { go: acr("executor-go", ns, region), javascript: acr("executor-javascript", ns, region), c: acr("executor-c", ns, region) } },
  },
});

describe("ACK container registry", () => {
  const { json } = synthAck("ack-managed", acrImages());

  it("creates the namespace (no auto-created repositories) and one repository per service image", () => {
    const ns = only(json, "alicloud_cr_namespace");
    assert.deepEqual([ns.name, ns.auto_create, ns.default_visibility], ["clusterkit", false, "PUBLIC"]);
    const repos = instances(json, "alicloud_cr_repo").map(([, r]) => r);
    assert.deepEqual(repos.map((r) => r.name).sort(), ["executor-c", "executor-go", "executor-javascript", "frontend", "middleware"]);
    for (const r of repos) {
      assert.match(String(r.namespace), /^\$\{alicloud_cr_namespace\..+\.name\}$/, "repositories depend on the namespace");
      assert.equal(r.repo_type, "PUBLIC");
    }
  });

  it("outputs the push endpoint (public) and the pull endpoint (VPC) of the namespace", () => {
    assert.equal(json.output.registry_push_endpoint?.value, "registry.eu-central-1.aliyuncs.com/clusterkit");
    assert.equal(json.output.registry_pull_endpoint?.value, "registry-vpc.eu-central-1.aliyuncs.com/clusterkit");
  });

  it("follows namespace, visibility and region from config", () => {
    const { json: other } = synthAck("ack-managed", {
      region: "eu-west-1",
      containerRegistry: { namespace: "acme-lab", visibility: "PRIVATE" },
      ...acrImages("acme-lab", "eu-west-1"),
    });
    const ns = only(other, "alicloud_cr_namespace");
    assert.deepEqual([ns.name, ns.default_visibility], ["acme-lab", "PRIVATE"]);
    assert.ok(instances(other, "alicloud_cr_repo").every(([, r]) => r.repo_type === "PRIVATE"));
    assert.equal(other.output.registry_pull_endpoint?.value, "registry-vpc.eu-west-1.aliyuncs.com/acme-lab");
  });

  it("creates no repository for images that live elsewhere", () => {
    const { json: elsewhere } = synthAck("ack-managed", { faas: { frontend: { image: "docker.io/acme/frontend:1.0.0" } }, ...{} });
    const names = instances(elsewhere, "alicloud_cr_repo").map(([, r]) => r.name);
    assert.ok(!names.includes("frontend"));
  });

  it("is valid against the pinned provider schema (both environments)", () => {
    assert.deepEqual(checkAgainstProviderSchema(json, alicloudProviderSchema()), []);
    assert.deepEqual(checkAgainstProviderSchema(synthAck("ack-dedicated", acrImages()).json, alicloudProviderSchema()), []);
  });

  it("refuses a namespace ACR would refuse, naming the field", () => {
    assert.throws(
      () => synthAck("ack-managed", { containerRegistry: { namespace: "Bad_NS!", visibility: "PUBLIC" } }),
      /ack-managed\.containerRegistry\.namespace/,
    );
  });
});
