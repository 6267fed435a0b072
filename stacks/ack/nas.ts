/**
 * Shared NFS storage: a general-purpose NAS file system reachable from the whole VPC through one
 * mount target in a node vSwitch. Its domain becomes the `nas_server` output that the manifests'
 * NAS PersistentVolume reads (src/synth/stack-outputs.ts).
 */
import { Construct } from "constructs";
import { NasAccessGroup } from "../../.gen/providers/alicloud/nas-access-group";
import { NasAccessRule } from "../../.gen/providers/alicloud/nas-access-rule";
import { NasFileSystem } from "../../.gen/providers/alicloud/nas-file-system";
import { NasMountTarget } from "../../.gen/providers/alicloud/nas-mount-target";
import type { AckConfig } from "../../src/config/schema";
import type { AckNetwork } from "./network";

export interface AckNasProps {
  readonly name: string;
  readonly nas: AckConfig["nas"];
  readonly vpcCidr: string;
  readonly network: AckNetwork;
  readonly tags: Record<string, string>;
}

export class AckNas extends Construct {
  readonly fileSystem: NasFileSystem;
  readonly mountTarget: NasMountTarget;

  constructor(scope: Construct, id: string, props: AckNasProps) {
    super(scope, id);
    const first = props.network.nodeVswitches[0]!;
    this.fileSystem = new NasFileSystem(this, "fs", {
      protocolType: "NFS",
      storageType: props.nas.storageType,
      fileSystemType: "standard",
      // Same zone as the mount target's vSwitch: cross-zone NFS adds latency.
      zoneId: first.zone,
      description: `${props.name} shared volumes`,
      tags: props.tags,
    });
    const group = new NasAccessGroup(this, "access-group", {
      accessGroupName: `${props.name}-vpc`,
      accessGroupType: "Vpc",
      fileSystemType: "standard",
      description: `${props.name}: clients in the cluster VPC`,
    });
    const rule = new NasAccessRule(this, "access-rule", {
      accessGroupName: group.accessGroupName,
      fileSystemType: "standard",
      sourceCidrIp: props.vpcCidr,
      rwAccessType: "RDWR",
      priority: 1,
    });
    this.mountTarget = new NasMountTarget(this, "mount-target", {
      fileSystemId: this.fileSystem.id,
      accessGroupName: group.accessGroupName,
      vpcId: props.network.vpc.id,
      vswitchId: first.vswitch.id,
      networkType: "Vpc",
      dependsOn: [rule],
    });
  }
}
