/**
 * The cluster's network: VPC, node and (Terway) pod vSwitches, NAT egress and a security group.
 * Every address range comes from config; nothing here invents a CIDR.
 */
import { Construct } from "constructs";
import { EipAddress } from "../../.gen/providers/alicloud/eip-address";
import { EipAssociation } from "../../.gen/providers/alicloud/eip-association";
import { NatGateway } from "../../.gen/providers/alicloud/nat-gateway";
import { SecurityGroup } from "../../.gen/providers/alicloud/security-group";
import { SecurityGroupRule } from "../../.gen/providers/alicloud/security-group-rule";
import { SnatEntry } from "../../.gen/providers/alicloud/snat-entry";
import { Vpc } from "../../.gen/providers/alicloud/vpc";
import { Vswitch } from "../../.gen/providers/alicloud/vswitch";
import type { AckConfig } from "../../src/config/schema";

export interface AckNetworkProps {
  /** Name prefix for every network resource (the cluster name). */
  readonly name: string;
  readonly network: AckConfig["network"];
  readonly cni: AckConfig["cluster"]["cni"];
  /** Flannel pod range, allowed into the security group when `cni` is flannel. */
  readonly podCidr: string;
  readonly tags: Record<string, string>;
}

/** A vSwitch with the zone it was created in (the zone is known at synth time, the id is not). */
export interface ZonedVswitch {
  readonly zone: string;
  readonly vswitch: Vswitch;
}

export class AckNetwork extends Construct {
  readonly vpc: Vpc;
  /** One node vSwitch per configured zone, in config order. */
  readonly nodeVswitches: ZonedVswitch[];
  /** Terway pod vSwitches (empty with Flannel). */
  readonly podVswitches: ZonedVswitch[];
  readonly natGateway: NatGateway;
  readonly snatEntries: SnatEntry[];
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: AckNetworkProps) {
    super(scope, id);
    const { name, network, tags } = props;

    this.vpc = new Vpc(this, "vpc", { vpcName: `${name}-vpc`, cidrBlock: network.vpcCidr, tags });

    const vswitch = (kind: string, i: number, v: { zone: string; cidr: string }): ZonedVswitch => ({
      zone: v.zone,
      vswitch: new Vswitch(this, `${kind}-${i}`, {
        vswitchName: `${name}-${kind}-${v.zone}`,
        vpcId: this.vpc.id,
        zoneId: v.zone,
        cidrBlock: v.cidr,
        tags,
      }),
    });
    this.nodeVswitches = network.vswitches.map((v, i) => vswitch("nodes", i, v));
    this.podVswitches = props.cni === "terway" ? network.podVswitches.map((v, i) => vswitch("pods", i, v)) : [];

    // Nodes have no public IPs: egress goes through an Enhanced NAT gateway. We build it ourselves
    // because `new_nat_gateway = false` is not sent by the provider (SDK v1 GetOk drops false).
    this.natGateway = new NatGateway(this, "nat", {
      natGatewayName: `${name}-nat`,
      vpcId: this.vpc.id,
      vswitchId: this.nodeVswitches[0]!.vswitch.id,
      natType: "Enhanced",
      paymentType: "PayAsYouGo",
      internetChargeType: "PayByLcu",
      networkType: "internet",
      tags,
    });
    const eip = new EipAddress(this, "nat-eip", {
      addressName: `${name}-nat`,
      paymentType: "PayAsYouGo",
      internetChargeType: "PayByTraffic",
      tags,
    });
    const association = new EipAssociation(this, "nat-eip-association", {
      allocationId: eip.id,
      instanceId: this.natGateway.id,
      instanceType: "Nat",
    });
    this.snatEntries = this.nodeVswitches.map(
      (v, i) =>
        new SnatEntry(this, `snat-${i}`, {
          snatTableId: this.natGateway.snatTableIds,
          sourceVswitchId: v.vswitch.id,
          snatIp: eip.ipAddress,
          snatEntryName: `${name}-${v.zone}`,
          dependsOn: [association],
        }),
    );

    // Basic security group shared by the control plane ENIs and the nodes. ACK adds no rules to a
    // group it did not create, so we allow what the cluster needs: everything inside the group and
    // from the VPC (nodes, Terway pods, load balancers); Flannel pods come from the pod range.
    this.securityGroup = new SecurityGroup(this, "sg", {
      securityGroupName: `${name}-cluster`,
      vpcId: this.vpc.id,
      securityGroupType: "normal",
      innerAccessPolicy: "Accept",
      description: `ACK cluster ${name}: nodes and control plane`,
      tags,
    });
    const sources = [{ id: "from-vpc", cidr: network.vpcCidr }, ...(props.cni === "flannel" ? [{ id: "from-pods", cidr: props.podCidr }] : [])];
    for (const s of sources) {
      new SecurityGroupRule(this, `sg-${s.id}`, {
        securityGroupId: this.securityGroup.id,
        type: "ingress",
        ipProtocol: "all",
        portRange: "-1/-1",
        nicType: "intranet",
        policy: "accept",
        cidrIp: s.cidr,
        description: `cluster traffic from ${s.cidr}`,
      });
    }
  }
}
