/**
 * A platform profile: everything that differs between platforms (VirtualBox + kubeadm, Alibaba
 * ACK) in one place, so charts, stacks, deploy, verify and the diagram read facts instead of
 * branching on an environment's platform or name. Environments are data: the shipped ones are
 * presets of a profile (presets.ts), and a config file may add more.
 */
import type { z } from "zod";
import type { Report } from "../rules";
import type { Platform } from "../schema";

/** Facts about a validated environment that the rest of clusterkit reads instead of branching. */
export interface PlatformFacts {
  /** The CNI, whether it enforces NetworkPolicy, the config field that chose it, and how to get one that does. */
  readonly cni: { readonly name: string; readonly enforcesPolicy: boolean; readonly field: string; readonly fix: string };
  /** Cluster DNS domain (Services are `<name>.<namespace>.svc.<domain>`). */
  readonly clusterDomain: string;
  /** Pod address ranges (the node vSwitches' pod vSwitches with Terway, else the pod CIDR). */
  readonly podCidrs: readonly string[];
  /**
   * How the web app and oauth2-proxy are reached from outside: a LoadBalancer Service (MetalLB;
   * clients connect directly), or an ALB Ingress in front of a Service of `serviceType` (NodePort
   * when ALB cannot reach pod IPs), whose X-Forwarded-* is trusted from `trustedProxyCidr` only.
   */
  readonly exposure:
    { readonly kind: "loadBalancer" } | { readonly kind: "albIngress"; readonly serviceType: "ClusterIP" | "NodePort"; readonly trustedProxyCidr: string };
  /** Addresses and ports of the Kubernetes API server endpoints Pods must reach (besides the Service address). */
  readonly apiServerEndpoints: readonly { readonly cidr: string; readonly ports: readonly number[] }[];
  /** Most nodes that run workloads (a DaemonSet's pod count). */
  readonly maxWorkloadNodes: number;
  /** Nodes the cluster has once created: what deploy waits for. */
  readonly expectedNodes: number;
  /** Our manifests install the CNI, so nodes become Ready only after that chart (deploy waits for registration first). */
  readonly installsCni: boolean;
  /** Where per-pod block storage (NATS JetStream; never NFS) comes from: static local volumes on the nodes, or cloud disks. */
  readonly blockStorage: "local-volumes" | "cloud-disks";
  /** Workloads may run on the control plane (they tolerate its taint). */
  readonly workloadsOnControlPlane: boolean;
  /** Where Terraform keeps the state, for messages. */
  readonly stateLocation: string;
  /** A label for the cluster flavour, for messages and the diagram (e.g. "kubeadm", "ACK managed"). */
  readonly clusterLabel: string;
}

export interface PlatformProfile<Input, Config> {
  readonly platform: Platform;
  /** The platform as docs and messages name it. */
  readonly title: string;
  /** Per-field validation of an environment of this platform. */
  readonly schema: z.ZodType<Input>;
  /**
   * Only one environment of this platform can exist on a machine (local: VirtualBox VM names and
   * the host-only network are the machine's), so a config file cannot add another.
   */
  readonly singleton: boolean;
  /** The defaults of an environment of this platform named `name`, as written (what a config file overrides). */
  defaults(name: string): Input;
  /** Defaults that follow other fields of the merged config unless the override sets them (the registry and images). */
  applyDerivedDefaults(merged: Record<string, unknown>, override: unknown): void;
  /** The validated input as the rest of clusterkit reads it (local: addresses resolved). */
  resolve(input: Input): Config;
  /** Cross-field rules, paths relative to the environment. */
  problems(name: string, config: Config, report: Report): void;
  /** The facts the rest of clusterkit reads. */
  facts(name: string, config: Config): PlatformFacts;
}
