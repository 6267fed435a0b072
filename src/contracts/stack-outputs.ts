/**
 * Stack output names and what each holds: the contract between the stacks (which declare them with
 * `TerraformOutput`) and their readers (deploy, which saves the non-sensitive ones and reads the
 * bootstrap token; the charts, which take the NAS mount target as an argument of synthesis).
 * test/contracts/stack-outputs.test.ts synthesizes each stack and compares its outputs with these.
 */

/** Outputs of the local stack, by name, with the JSON type of each value. */
export interface LocalStackOutputs {
  readonly control_plane_ip: string;
  readonly worker_ips: readonly string[];
  readonly nfs_ip: string;
  /** `<nfs ip>:<export path>` */
  readonly nfs_export: string;
  /** Host-only address per node name, from config. */
  readonly node_ips: Readonly<Record<string, string>>;
  /** Host-only address per node name, as the guests reported it. */
  readonly reported_ips: Readonly<Record<string, string>>;
  /** `https://<control plane>:<API server port>` */
  readonly api_endpoint: string;
  readonly kubeconfig_path: string;
  /** Sensitive: never saved to outputs.json; deploy renews the token's Secret from it. */
  readonly bootstrap_token: { readonly id: string; readonly secret: string };
}

/** Outputs of an ACK stack (managed or dedicated), by name, with the JSON type of each value. */
export interface AckStackOutputs {
  readonly cluster_id: string;
  readonly api_server: string;
  readonly kubeconfig_path: string;
  readonly vpc_id: string;
  /** NAS mount target domain: the web content PersistentVolume's server. */
  readonly nas_server: string;
  readonly nas_path: string;
  /** Where deploy pushes the built images (outside the VPC) and where nodes pull them (inside). */
  readonly registry_push_endpoint: string;
  readonly registry_pull_endpoint: string;
}

type Names<T> = { readonly [K in keyof T]: K };

export const LOCAL_OUTPUTS: Names<LocalStackOutputs> = {
  control_plane_ip: "control_plane_ip",
  worker_ips: "worker_ips",
  nfs_ip: "nfs_ip",
  nfs_export: "nfs_export",
  node_ips: "node_ips",
  reported_ips: "reported_ips",
  api_endpoint: "api_endpoint",
  kubeconfig_path: "kubeconfig_path",
  bootstrap_token: "bootstrap_token",
};

export const ACK_OUTPUTS: Names<AckStackOutputs> = {
  cluster_id: "cluster_id",
  api_server: "api_server",
  kubeconfig_path: "kubeconfig_path",
  vpc_id: "vpc_id",
  nas_server: "nas_server",
  nas_path: "nas_path",
  registry_push_endpoint: "registry_push_endpoint",
  registry_pull_endpoint: "registry_pull_endpoint",
};

/** Outputs marked sensitive in the stack (and therefore never written to state/<env>/outputs.json). */
export const SENSITIVE_OUTPUTS: readonly string[] = [LOCAL_OUTPUTS.bootstrap_token];

/**
 * Server written while the ACK stack has no outputs yet (not deployed). `.invalid` never resolves
 * (RFC 2606); the deploy step refuses to apply a manifest that contains it.
 */
export const NAS_SERVER_PLACEHOLDER = "nas-mount-target.not-deployed.invalid";

/**
 * The stack outputs the manifests of one environment use. A field left out is a stack output not
 * known (yet): the chart writes its placeholder instead.
 */
export interface StackOutputs {
  /** ACK: the NAS mount target's domain (output `nas_server`). @default NAS_SERVER_PLACEHOLDER */
  readonly nasServer?: string;
  /** ACK: the NAS export path (output `nas_path`). @default the environment's `nas.path` */
  readonly nasPath?: string;
}

/** The typed outputs manifests use, from output values by Terraform name. */
export function stackOutputsFrom(values: Readonly<Record<string, string>>): StackOutputs {
  return {
    ...(values[ACK_OUTPUTS.nas_server] ? { nasServer: values[ACK_OUTPUTS.nas_server] } : {}),
    ...(values[ACK_OUTPUTS.nas_path] ? { nasPath: values[ACK_OUTPUTS.nas_path] } : {}),
  };
}
