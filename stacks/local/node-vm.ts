/** One VirtualBox VM, seeded by its NoCloud ISO. */
import { Resource } from "@cdktf/provider-null/lib/resource";
import { Construct } from "constructs";
import { Vm } from "../../.gen/providers/virtualbox/vm";
import type { LocalConfig } from "../../src/config/schema";
import { vboxMemory } from "./memory";
import type { ClusterNode } from "../../src/contracts/local-nodes";
import { fromRoot } from "../shared/paths";
import type { NodeSeed } from "./seed";

export interface NodeVmProps {
  readonly config: LocalConfig;
  readonly node: ClusterNode;
  readonly seed: NodeSeed;
}

/** Switches nested VT-x/AMD-V on for one VM (Kata Containers needs KVM inside it). */
const NESTED_VIRT_SCRIPT = "scripts/vbox-nested-virt.sh";

/** nic1/nic2 model; Intel PRO/1000 MT Desktop is what VirtualBox itself picks for Ubuntu guests. */
const NIC_DEVICE = "IntelPro1000MTDesktop";

export class NodeVm extends Construct {
  readonly vm: Vm;

  constructor(scope: Construct, id: string, props: NodeVmProps) {
    super(scope, id);
    const { config, node, seed } = props;
    // Deliberately unset (virtualbox-facts.md): user_data never reaches the guest, status is never
    // acted on, boot_order is never read back; each would only cause perpetual diffs or reboots.
    this.vm = new Vm(this, "vm", {
      name: node.vm.name,
      image: fromRoot(config.image.path),
      cpus: node.vm.cpus,
      memory: vboxMemory(node.vm.memoryMiB),
      networkAdapter: [
        // nic1 (enp0s3): NAT, the default route for egress.
        { type: "nat", device: NIC_DEVICE },
        // nic2 (enp0s8): host-only, the cluster network; the provider waits for its IPv4 address.
        { type: "hostonly", hostInterface: config.network.hostInterface, device: NIC_DEVICE },
      ],
      opticalDisks: [seed.isoPath],
      dependsOn: [seed.builder],
      // optical_disks is only read at create: a new seed revision must mean a new VM. A plain address:
      // cdktf 0.21 wraps resource objects in "${...}", which Terraform rejects here (terraform-cdk#3196).
      lifecycle: { replaceTriggeredBy: [`${seed.revision.terraformResourceType}.${seed.revision.friendlyUniqueId}`] },
    });
    // A readable address for `terraform apply -replace=virtualbox_vm.<name>`.
    this.vm.overrideLogicalId(node.vm.name.replace(/-/g, "_"));

    // Kata needs hardware virtualization inside the Kubernetes nodes; the provider cannot set it, so
    // a script does (power off, modifyvm --nested-hw-virt on, start) once the VM exists. The VM name
    // reaches the script as an environment variable, never as shell text.
    if (config.runtimes.kata.enabled && node.role !== "nfs") {
      const nested = new Resource(this, "nested-virt", {
        triggers: { vm: this.vm.id },
        dependsOn: [this.vm],
        provisioners: [{ type: "local-exec", command: `sh "${fromRoot(NESTED_VIRT_SCRIPT)}"`, environment: { VM_NAME: node.vm.name } }],
      });
      nested.overrideLogicalId(`nested_virt_${node.vm.name.replace(/-/g, "_")}`);
    }
  }
}
