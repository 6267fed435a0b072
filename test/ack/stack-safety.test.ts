import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { checkAgainstProviderSchema } from "../support/provider-schema";
import { PROJECT_ROOT } from "../support/cli";
import { alicloudProviderSchema, type AckEnv, synthAck, type SynthResult } from "./synth-ack";

const OSS_BACKEND = {
  type: "oss",
  bucket: "clusterkit-state",
  prefix: "envs",
  key: "state.tfstate",
  region: "eu-central-1",
  tablestoreEndpoint: "https://clusterkit.eu-central-1.ots.aliyuncs.com",
  tablestoreTable: "terraform_lock",
};

/** Each stack shape the project can produce: both environments, both CNIs, both backends, both key modes. */
const VARIANTS: [string, AckEnv, Record<string, unknown>][] = [
  ["ack-managed defaults", "ack-managed", {}],
  [
    "ack-managed flannel, OSS state, fixed pool, imported key",
    "ack-managed",
    {
      cluster: { cni: "flannel", spec: "ack.standard", publicApiServer: false },
      backend: OSS_BACKEND,
      nodePool: {
        autoscaling: { enabled: false, minSize: 0, maxSize: 1 },
        keyPair: {
          name: "ops",
          publicKey:
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCToy0myQiBo0+C0lqkUERNR8nCmpZT5+HZvo4QwKSNRhtPUuyYvul34Mx8pBM7SZKc8PsIF5SuXykSic2GJVBkMTD0UoaJdQKX5lov6u8e9cBVBPHT1d25hnss9SRexDByoRP7YK5gg0YT3hTh0C/qPIPCJ5mw2fHsNUKKzNyaGT9QOQeXA9UA0DES4HzZFsI4CzUMCfp49M2MJHjQUxQhMIGeKlWePh2pWEoig/UR9D1dOU5DpW1j9sEl4b5FrRkSVRjqmFi4OS7mDt0r+JnELnAZ5Cq4kDPbz2iQZh8i+TsRNUwNn8Om1M81tEUfSdO12SouWqXdk4VYDGcwkiRJ ops",
        },
      },
    },
  ],
  ["ack-dedicated defaults", "ack-dedicated", {}],
  ["ack-dedicated with labels and taints", "ack-dedicated", { nodePool: { labels: { a: "b" }, taints: [{ key: "k", value: "v", effect: "NoExecute" }] } }],
];

const synthesized: [string, SynthResult][] = VARIANTS.map(([label, env, override]) => [label, synthAck(env, override)]);

/** Every [key, value] pair anywhere in a JSON document. */
function* entries(value: unknown, path = ""): Generator<[string, string, unknown]> {
  if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* entries(v, `${path}[${i}]`);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      yield [`${path}.${k}`, k, v];
      yield* entries(v, `${path}.${k}`);
    }
  }
}

const SECRET_KEYS = /^(access_key|secret_key|security_token|password|kms_encrypted_password|access_key_id|access_key_secret|private_key)$/;

describe("ACK stacks: schema, secrets, tags", () => {
  for (const [label, result] of synthesized) {
    it(`${label}: matches the pinned alicloud 1.289.0 schema (types, attributes, required, nothing removed)`, () => {
      assert.deepEqual(checkAgainstProviderSchema(result.json, alicloudProviderSchema()), []);
    });

    it(`${label}: holds no credential or password literal and no absolute machine path`, () => {
      assert.doesNotMatch(result.text, /LTAI[0-9A-Za-z]{8,}/, "no Alibaba access key id");
      for (const [path, key, value] of entries(result.json)) {
        if (SECRET_KEYS.test(key)) {
          assert.ok(typeof value === "string" && value.startsWith("${"), `${path} must come from an expression, not a literal`);
        }
      }
      assert.deepEqual(Object.keys(result.json.provider.alicloud![0]!).sort(), ["region"]);
      assert.ok(!result.text.includes(PROJECT_ROOT), "no absolute project path");
    });

    it(`${label}: tags every resource whose type has a tags attribute, with the configured tags`, () => {
      const schema = alicloudProviderSchema().provider_schemas["registry.terraform.io/aliyun/alicloud"]!.resource_schemas!;
      let tagged = 0;
      for (const [type, bodies] of Object.entries(result.json.resource)) {
        if (!schema[type]?.block.attributes?.tags) continue;
        for (const [name, body] of Object.entries(bodies)) {
          assert.deepEqual(body.tags, result.config.tags, `${type}.${name} tags`);
          tagged++;
        }
      }
      // VPC, 3+ vSwitches, NAT, EIP, security group, key pair, cluster, node pool, NAS.
      assert.ok(tagged >= 11, `expected at least 11 tagged resources, got ${tagged}`);
    });
  }

  it("the checker rejects the stack once an attribute is broken (the zero above is earned)", () => {
    const { json } = synthAck("ack-managed");
    const pool = Object.values(json.resource.alicloud_cs_kubernetes_node_pool!)[0]!;
    pool.desired_size = 2;
    pool.rollout_policy = { max_unavailable: 1 };
    const problems = checkAgainstProviderSchema(json, alicloudProviderSchema());
    assert.ok(
      problems.some((p) => /desired_size: expected string/.test(p)),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => /rollout_policy/.test(p)),
      problems.join("\n"),
    );
  });

  it("config tags flow to every taggable resource", () => {
    const { json } = synthAck("ack-managed", { tags: { owner: "team-a" } });
    const vpc = Object.values(json.resource.alicloud_vpc!)[0]!;
    assert.deepEqual(vpc.tags, { project: "clusterkit", environment: "ack-managed", "managed-by": "terraform", owner: "team-a" });
  });
});
