/**
 * The ECS key pair for node (and dedicated master) login. A public key from config is imported;
 * without one Terraform generates an RSA 4096 key (ECS ImportKeyPair accepts RSA, DSA and ECDSA
 * keys, not ED25519) and writes the private half to state/<env>/<key name>.pem (mode 0600),
 * beside the state and outside cdktf.out.
 */
import { SensitiveFile } from "@cdktf/provider-local/lib/sensitive-file";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { Construct } from "constructs";
import { EcsKeyPair } from "../../.gen/providers/alicloud/ecs-key-pair";
import type { AckConfig } from "../../src/config/schema";
import { statePath } from "../../src/contracts/state-paths";
import { fromRoot } from "../shared/paths";

export interface NodeKeyPairProps {
  readonly environment: string;
  readonly keyPair: AckConfig["nodePool"]["keyPair"];
  readonly tags: Record<string, string>;
}

/** Project-relative path of the generated private key. */
function privateKeyPath(environment: string, keyName: string): string {
  return statePath(environment, `${keyName}.pem`);
}

export class NodeKeyPair extends Construct {
  readonly keyPair: EcsKeyPair;

  constructor(scope: Construct, id: string, props: NodeKeyPairProps) {
    super(scope, id);
    let publicKey = props.keyPair.publicKey;
    if (publicKey === undefined) {
      const key = new PrivateKey(this, "generated", { algorithm: "RSA", rsaBits: 4096 });
      new SensitiveFile(this, "private-key-file", {
        filename: fromRoot(privateKeyPath(props.environment, props.keyPair.name)),
        content: key.privateKeyOpenssh,
        filePermission: "0600",
        directoryPermission: "0700",
      });
      publicKey = key.publicKeyOpenssh;
    }
    this.keyPair = new EcsKeyPair(this, "key-pair", { keyPairName: props.keyPair.name, publicKey, tags: props.tags });
  }
}
