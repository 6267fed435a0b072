/** Builds one Terraform stack per environment; the stack id is the environment name. */
import type { Environment } from "../src/config/schema";
import type { App } from "../src/lib/tf";
import type { SynthContext } from "../src/synth/context";
import { AckStack } from "./ack/ack-stack";
import { LocalStack } from "./local/local-stack";

export function addStacks(app: App, envs: readonly Environment[], ctx: SynthContext): void {
  for (const env of envs) {
    if (env.kind === "local") new LocalStack(app, env.name, { config: env.config, ctx });
    else new AckStack(app, env.name, { environment: env.name, config: env.config, ctx });
  }
}
