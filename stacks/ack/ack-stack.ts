import type { Construct } from "constructs";
import type { AckConfig } from "../../src/config/schema";
import { TerraformStack } from "../../src/lib/tf";
import type { SynthContext } from "../../src/synth/context";

export interface AckStackProps {
  readonly environment: "ack-managed" | "ack-dedicated";
  readonly config: AckConfig;
  readonly ctx: SynthContext;
}

/** Alibaba Cloud ACK cluster (placeholder until implemented). */
export class AckStack extends TerraformStack {
  constructor(scope: Construct, id: string, _props: AckStackProps) {
    super(scope, id);
  }
}
