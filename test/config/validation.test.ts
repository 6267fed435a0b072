import assert from "node:assert/strict";
import { describe, it } from "@jest/globals";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, validateConfigs } from "../../src/config/load";
import { UserError } from "../../src/errors";
import { scratchDir } from "../support/cli";

/** Validates one override and returns the problems as `path: message` lines. */
function problems(overrides: Record<string, unknown>): string[] {
  return validateConfigs(overrides).problems.map((p) => `${p.path}: ${p.message}`);
}

function expectProblem(overrides: Record<string, unknown>, path: string, pattern: RegExp): void {
  const found = problems(overrides);
  assert.ok(
    found.some((p) => p.startsWith(`${path}: `) && pattern.test(p)),
    `expected a problem at ${path} matching ${pattern}, got:\n${found.join("\n")}`,
  );
}

describe("configuration validation", () => {
  it("accepts the defaults of every environment", () => {
    const { configs, problems: found } = validateConfigs({});
    assert.deepEqual(found, []);
    assert.equal(configs?.local.controlPlane.ip, "192.168.60.11");
    assert.deepEqual(
      configs?.local.workers.map((w) => w.ip),
      ["192.168.60.21", "192.168.60.22"],
    );
    assert.equal(configs?.local.kubernetes.version, "1.35");
  });

  it("accepts Kubernetes 1.30 locally, the documents' version", () => {
    assert.deepEqual(problems({ local: { kubernetes: { version: "1.30" } } }), []);
  });

  it("rejects an unsupported minor and lists the supported ones", () => {
    expectProblem({ local: { kubernetes: { version: "1.33" } } }, "local.kubernetes.version", /supported minors: 1\.30, 1\.35/);
    expectProblem({ "ack-managed": { kubernetes: { version: "1.30" } } }, "ack-managed.kubernetes.version", /supported minors: 1\.35, 1\.36/);
  });

  it("rejects overlapping pod, service and host networks", () => {
    expectProblem({ local: { kubernetes: { podCidr: "192.168.0.0/16" } } }, "local.kubernetes.podCidr", /overlaps local\.network\.cidr|overlaps network\.cidr/);
    expectProblem({ local: { kubernetes: { serviceCidr: "10.244.128.0/20" } } }, "local.kubernetes.serviceCidr", /overlaps kubernetes\.podCidr/);
  });

  it("rejects a node IP outside its subnet", () => {
    expectProblem({ local: { controlPlane: { ip: "192.168.61.11" } } }, "local.controlPlane.ip", /outside network\.cidr \(192\.168\.60\.0\/24\)/);
  });

  it("rejects duplicate IPs", () => {
    expectProblem({ local: { nfs: { ip: "192.168.60.21" } } }, "local.nfs.ip", /already used by workers\.0\.hostNumber/);
    expectProblem(
      { local: { nfs: { hostNumber: 22 } } },
      "local.nfs.hostNumber",
      /192\.168\.60\.22 \(host number 22 of network\.cidr\) is already used by workers\.1\.hostNumber/,
    );
  });

  it("rejects zero workers", () => {
    expectProblem({ local: { workers: [] } }, "local.workers", /at least 1 worker/);
  });

  it("rejects an unknown environment key and an unknown field", () => {
    expectProblem({ staging: {} }, "staging", /unknown environment; expected one of local, ack-managed, ack-dedicated/);
    expectProblem({ local: { colour: "blue" } }, "local.colour", /unknown field; valid here: kubernetes, network, /);
  });

  it("rejects names that are not DNS-1123 labels", () => {
    expectProblem({ local: { controlPlane: { name: "Master_01" } } }, "local.controlPlane.name", /DNS-1123/);
  });

  it("rejects a MetalLB pool that contains a node address", () => {
    expectProblem({ local: { metallb: { addressStart: "192.168.60.20", addressEnd: "192.168.60.40" } } }, "local.metallb", /contains workers\.0\.hostNumber/);
  });

  it("rejects an unpinned image", () => {
    expectProblem({ local: { faas: { frontend: { image: "docker.io/miguellomot/cc-fronted:latest" } } } }, "local.faas.frontend.image", /pinned/);
  });

  it("rejects fewer local volumes (nodes × perNode) than NATS servers, naming the fields", () => {
    const oneWorker = [{ name: "worker01", ip: "192.168.60.21", cpus: 3, memoryMiB: 4096 }];
    expectProblem(
      { local: { localVolumes: { perNode: 1 }, faas: { nats: { replicas: 5 } } } },
      "local.faas.nats.replicas",
      /5 NATS servers.*the 3 Kubernetes nodes \(control plane \+ workers\) × localVolumes\.perNode \(1\) give 3/,
    );
    expectProblem(
      { local: { workers: oneWorker, localVolumes: { perNode: 1 } } },
      "local.faas.nats.replicas",
      /the 2 Kubernetes nodes .* × localVolumes\.perNode \(1\) give 2/,
    );
    // Exactly enough is fine; so is any count when the workload is off.
    assert.deepEqual(problems({ local: { localVolumes: { perNode: 1 } } }), []);
    assert.deepEqual(problems({ local: { workers: oneWorker, localVolumes: { perNode: 2 } } }), []);
    assert.deepEqual(problems({ local: { localVolumes: { perNode: 1 }, faas: { enabled: false, nats: { replicas: 5 } } } }), []);
  });

  it("reports every problem, not just the first", () => {
    const found = problems({ local: { workers: [], kubernetes: { version: "1.20" } }, bogus: 1 });
    assert.ok(found.length >= 3, found.join("\n"));
  });
});

describe("ACK configuration validation", () => {
  it("rejects 4 masters, and 5 masters in too few zones", () => {
    expectProblem({ "ack-dedicated": { masters: { count: 4 } } }, "ack-dedicated.masters.count", /3 or 5/);
    expectProblem({ "ack-dedicated": { masters: { count: 5 } } }, "ack-dedicated.masters.count", /5 distinct zones/);
  });

  it("rejects a vSwitch outside the VPC", () => {
    expectProblem(
      {
        "ack-managed": {
          network: {
            vswitches: [
              { zone: "eu-central-1a", cidr: "10.1.0.0/20" },
              { zone: "eu-central-1b", cidr: "172.16.16.0/20" },
              { zone: "eu-central-1c", cidr: "172.16.32.0/20" },
            ],
          },
        },
      },
      "ack-managed.network.vswitches.0.cidr",
      /outside network\.vpcCidr/,
    );
  });

  it("rejects overlapping pod, service and VPC ranges", () => {
    expectProblem({ "ack-managed": { kubernetes: { serviceCidr: "172.16.0.0/20" } } }, "ack-managed.kubernetes.serviceCidr", /overlaps network\.vpcCidr/);
    expectProblem({ "ack-managed": { kubernetes: { podCidr: "172.21.0.0/16" } } }, "ack-managed.kubernetes.serviceCidr", /overlaps kubernetes\.podCidr/);
  });

  it("rejects min > max in the node pool", () => {
    expectProblem({ "ack-managed": { nodePool: { autoscaling: { minSize: 6, maxSize: 3 } } } }, "ack-managed.nodePool.autoscaling.minSize", /greater than/);
  });

  it("accepts RSA and ECDSA node public keys and rejects ED25519, which ECS ImportKeyPair does not take", () => {
    for (const publicKey of [
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCToy0myQiBo0+C0lqkUERNR8nCmpZT5+HZvo4QwKSNRhtPUuyYvul34Mx8pBM7SZKc8PsIF5SuXykSic2GJVBkMTD0UoaJdQKX5lov6u8e9cBVBPHT1d25hnss9SRexDByoRP7YK5gg0YT3hTh0C/qPIPCJ5mw2fHsNUKKzNyaGT9QOQeXA9UA0DES4HzZFsI4CzUMCfp49M2MJHjQUxQhMIGeKlWePh2pWEoig/UR9D1dOU5DpW1j9sEl4b5FrRkSVRjqmFi4OS7mDt0r+JnELnAZ5Cq4kDPbz2iQZh8i+TsRNUwNn8Om1M81tEUfSdO12SouWqXdk4VYDGcwkiRJ ops",
      "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOJ4O7tKLNhgYVL2oZ0DmasVu4Tfw+cxhGFhXYEk+sU/fggn9YqZtwhmW3vfKKKn+lavoZYc4tZNSHIWONX3zRc= ops",
    ]) {
      assert.deepEqual(problems({ "ack-managed": { nodePool: { keyPair: { name: "ops", publicKey } } } }), []);
    }
    expectProblem(
      {
        "ack-managed": {
          nodePool: { keyPair: { name: "ops", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHc9yC0uQ4cqD5m5n7qQ5Y0nq1z0Qm0b7G8n3XgqJ2fE ops" } },
        },
      },
      "ack-managed.nodePool.keyPair.publicKey",
      /ssh-rsa or ecdsa-sha2-nistp256\/384\/521.*does not import ssh-ed25519/,
    );
  });

  it("keeps kubeconfig and state paths inside state/<env>/ (or absolute), off clusterkit's own files", () => {
    expectProblem(
      { local: { kubeconfigPath: "../../outside/kc" } },
      "local.kubeconfigPath",
      /must name a file inside state\/local\/ .* or be an absolute path, got "\.\.\/\.\.\/outside\/kc"/,
    );
    expectProblem({ "ack-managed": { kubeconfigPath: "state/../../kc" } }, "ack-managed.kubeconfigPath", /inside state\/ack-managed\//);
    expectProblem({ "ack-dedicated": { kubeconfigPath: "cdktf.out/stacks/kc" } }, "ack-dedicated.kubeconfigPath", /inside state\/ack-dedicated\//);
    expectProblem({ local: { kubeconfigPath: "package.json" } }, "local.kubeconfigPath", /inside state\/local\//);
    expectProblem({ local: { kubeconfigPath: "state/ack-managed/kubeconfig" } }, "local.kubeconfigPath", /inside state\/local\//);
    expectProblem({ local: { kubeconfigPath: "state/local/terraform.tfstate" } }, "local.kubeconfigPath", /would overwrite Terraform state/);
    expectProblem({ local: { kubeconfigPath: "state/local/outputs.json" } }, "local.kubeconfigPath", /clusterkit's own/);
    expectProblem({ local: { kubeconfigPath: "state/local/seed/master01/user-data" } }, "local.kubeconfigPath", /clusterkit's own/);
    expectProblem({ "ack-managed": { kubeconfigPath: "state/ack-managed/ack-managed-nodes.pem" } }, "ack-managed.kubeconfigPath", /generated private key/);
    expectProblem({ "ack-managed": { backend: { type: "local", path: "..\\state.tfstate" } } }, "ack-managed.backend.path", /inside state\/ack-managed\//);
    expectProblem({ "ack-managed": { backend: { type: "local", path: "dist/state.tfstate" } } }, "ack-managed.backend.path", /inside state\/ack-managed\//);
    expectProblem({ "ack-managed": { backend: { type: "local", path: "state/ack-managed/outputs.json" } } }, "ack-managed.backend.path", /clusterkit's own/);
    assert.deepEqual(
      problems({
        local: { kubeconfigPath: "/home/me/.kube/lab" },
        "ack-managed": { kubeconfigPath: "state/a/../ack-managed/kc", backend: { type: "local", path: "C:\\state\\ack.tfstate" } },
      }),
      [],
    );
  });

  it("rejects an unknown cluster spec", () => {
    expectProblem({ "ack-managed": { cluster: { spec: "ack.pro.huge" } } }, "ack-managed.cluster.spec", /ack\.pro\.small, ack\.standard/);
  });
});

describe("configuration errors a user can act on", () => {
  it("suggests the nearest valid field for a typo, at any depth, and the nearest environment", () => {
    expectProblem(
      { local: { kubernetes: { versoin: "1.30" } } },
      "local.kubernetes.versoin",
      /^local\.kubernetes\.versoin: unknown field; did you mean "version"\?$/,
    );
    expectProblem(
      { local: { workers: [{ name: "worker01", hostNumber: 21, cpus: 2, memoryMiB: 2048, memoryMib: 2048 }] } },
      "local.workers.0.memoryMib",
      /did you mean "memoryMiB"\?/,
    );
    expectProblem({ "ack-managed": { nodePool: { autoscaling: { maxsize: 4 } } } }, "ack-managed.nodePool.autoscaling.maxsize", /did you mean "maxSize"\?/);
    expectProblem({ locl: {} }, "locl", /unknown environment; did you mean "local"\? expected one of local, ack-managed, ack-dedicated/);
  });

  it("explains that YAML reads an unquoted version 1.30 as the number 1.3, and shows the quoted form", () => {
    expectProblem(
      { local: { kubernetes: { version: 1.3 } } },
      "local.kubernetes.version",
      /1\.3 is a number, not text: YAML reads a version written without quotes as a number, and drops trailing zeros \(1\.30 becomes 1\.3\); quote it: version: "1\.30"/,
    );
    expectProblem({ "ack-managed": { kubernetes: { version: 1.35 } } }, "ack-managed.kubernetes.version", /quote it: version: "1\.35"/);
    expectProblem(
      { local: { network: { hostInterface: 7 } } },
      "local.network.hostInterface",
      /7 is a number, but text is expected: write it in quotes \(hostInterface: "7"\)/,
    );
  });
});

describe("the configuration file itself", () => {
  function load(text: string) {
    const dir = scratchDir();
    writeFileSync(join(dir, "clusterkit.yaml"), text);
    return () => loadConfig({ CLUSTERKIT_CONFIG: join(dir, "clusterkit.yaml") });
  }

  it("refuses an empty file (or one of comments only), saying what to write", () => {
    for (const text of ["", "# nothing yet\n"]) {
      assert.throws(
        load(text),
        (e: unknown) =>
          e instanceof UserError &&
          /clusterkit\.yaml" \(named by CLUSTERKIT_CONFIG\) is empty: write at least one environment key \(local, ack-managed, ack-dedicated\)/.test(e.message),
      );
    }
  });

  it("shows the YAML error with its whole code frame (the line and the caret)", () => {
    assert.throws(load("local:\n  kubernetes:\n    version: [1\n  cni: flannel\n"), (e: unknown) => {
      const m = (e as Error).message;
      return (
        e instanceof UserError && /is not valid YAML or JSON at line 4, column 3: "Flow sequence[^"\n]*"\n {4}version: \[1\n {2}cni: flannel\n {2}\^$/.test(m)
      );
    });
  });

  it("reads an unquoted version from a real YAML file and explains the coercion", () => {
    assert.throws(
      load("local:\n  kubernetes:\n    version: 1.30\n"),
      (e: unknown) => e instanceof UserError && /local\.kubernetes\.version: 1\.3 is a number, not text.*quote it: version: "1\.30"/.test(e.message),
    );
  });
});
