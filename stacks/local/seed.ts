/**
 * A node's NoCloud seed, built at apply time: the three documents are written under
 * `state/local/seed/<node>/` and `scripts/seed-iso.js` packs them into `<node>.iso`.
 * The provider reads `optical_disks` only when it creates a VM, so the VM is replaced whenever the
 * seed's revision changes (see `NodeVm` and `cloud-init/revision.ts`).
 */
import { File } from "@cdktf/provider-local/lib/file";
import { SensitiveFile } from "@cdktf/provider-local/lib/sensitive-file";
import { Resource } from "@cdktf/provider-null/lib/resource";
import { Construct } from "constructs";
import { Fn } from "../../src/lib/tf";
import type { LocalConfig } from "../../src/config/schema";
import { renderSeed } from "./cloud-init/render";
import { type ClusterSecrets, SECRET_PLACEHOLDERS } from "./cloud-init/secrets";
import { hostKeyPath, LAB_KEY } from "../../src/contracts/node-access";
import { toTerraformString } from "./cloud-init/terraform-text";
import type { ClusterNode } from "../../src/contracts/local-nodes";
import { fromRoot } from "../shared/paths";
import { literalValues } from "../shared/terraform-literal";
import { LOCAL_SEED_DIR } from "../../src/contracts/state-paths";
import { SEED_ISO_SCRIPT } from "./paths";

export interface NodeSeedProps {
  /** Config as the stack holds it: strings are Terraform literals (terraform-literal.ts). */
  readonly config: LocalConfig;
  readonly node: ClusterNode;
  /** Terraform expressions for the cluster identity. */
  readonly secrets: ClusterSecrets;
  /**
   * Terraform expression that changes when the cluster identity does; Kubernetes nodes are replaced
   * with it (a node trusting an old CA is useless). Not used for the NFS node.
   */
  readonly identityFingerprint: string;
}

const HASH = "CLUSTERKIT_PLACEHOLDER_USER_DATA_HASH";

/**
 * A key file's content as a JSON string literal, read by Terraform at apply time. Written as a raw
 * interpolation: cdktf would escape the `${path.module}` inside an `Fn.file()` argument.
 */
function keyFile(path: string): string {
  return `\${jsonencode(trimspace(file("${fromRoot(path)}")))}`;
}

export class NodeSeed extends Construct {
  /** The ISO path as Terraform sees it (for `optical_disks`). */
  readonly isoPath: string;
  /** Runs the ISO build; replaced whenever a seed document changes. */
  readonly builder: Resource;
  /** Replaced when the VM must be: its seed changed beyond the /etc/hosts list, or the identity did. */
  readonly revision: Resource;

  constructor(scope: Construct, id: string, props: NodeSeedProps) {
    super(scope, id);
    const name = props.node.vm.name;
    const dir = fromRoot(`${LOCAL_SEED_DIR}/${name}`);
    this.isoPath = fromRoot(`${LOCAL_SEED_DIR}/${name}.iso`);

    // The documents are escaped as a whole by toTerraformString, so they render from plain values.
    const { documents: docs, revision } = renderSeed(literalValues(props.config), literalValues(props.node), SECRET_PLACEHOLDERS, HASH);
    const secrets = {
      [SECRET_PLACEHOLDERS.caCertPemBase64]: props.secrets.caCertPemBase64,
      [SECRET_PLACEHOLDERS.caKeyPemBase64]: props.secrets.caKeyPemBase64,
      [SECRET_PLACEHOLDERS.bootstrapToken]: props.secrets.bootstrapToken,
      // SSH keys deploy generated before terraform runs (src/deploy/lab-keys.ts), read at apply time;
      // JSON strings are YAML double-quoted scalars, so a multi-line key stays one value.
      [SECRET_PLACEHOLDERS.sshAuthorizedKey]: keyFile(`${LAB_KEY}.pub`),
      [SECRET_PLACEHOLDERS.sshHostPrivateKey]: keyFile(hostKeyPath(name)),
      [SECRET_PLACEHOLDERS.sshHostPublicKey]: keyFile(`${hostKeyPath(name)}.pub`),
    };
    // user-data holds the CA key (control plane) and the bootstrap token: sensitive, owner-only.
    const userData = new SensitiveFile(this, "user-data", {
      filename: `${dir}/user-data`,
      content: toTerraformString(docs["user-data"], secrets),
      filePermission: "0600",
      directoryPermission: "0700",
    });
    const metaData = new File(this, "meta-data", {
      filename: `${dir}/meta-data`,
      content: toTerraformString(docs["meta-data"], { [HASH]: Fn.substr(userData.contentSha256, 0, 16) }),
      filePermission: "0644",
      directoryPermission: "0700",
    });
    const networkConfig = new File(this, "network-config", {
      filename: `${dir}/network-config`,
      content: toTerraformString(docs["network-config"]),
      filePermission: "0644",
      directoryPermission: "0700",
    });

    this.builder = new Resource(this, "iso", {
      triggers: {
        user_data: userData.contentSha256,
        meta_data: metaData.contentSha256,
        network_config: networkConfig.contentSha256,
      },
      dependsOn: [userData, metaData, networkConfig],
      // Node runs the builder on every host (cmd.exe on Windows too); deploy puts its own node on PATH.
      provisioners: [{ type: "local-exec", command: `node "${fromRoot(SEED_ISO_SCRIPT)}" "${dir}" "${this.isoPath}"` }],
    });
    this.builder.overrideLogicalId(`seed_iso_${name.replace(/-/g, "_")}`);

    this.revision = new Resource(this, "revision", {
      triggers: {
        seed: revision,
        ...(props.node.role === "nfs" ? {} : { identity: props.identityFingerprint }),
      },
    });
    this.revision.overrideLogicalId(`seed_revision_${name.replace(/-/g, "_")}`);
  }
}
