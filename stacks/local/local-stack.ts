import type { Construct } from "constructs";
import type { LocalConfig } from "../../src/config/schema";
import { TerraformStack } from "../../src/lib/tf";
import type { SynthContext } from "../../src/synth/context";

export interface LocalStackProps {
  readonly config: LocalConfig;
  readonly ctx: SynthContext;
}

/** VirtualBox VMs bootstrapped into a kubeadm cluster (placeholder until implemented). */
export class LocalStack extends TerraformStack {
  constructor(scope: Construct, id: string, _props: LocalStackProps) {
    super(scope, id);
  }
}
