/** Builds one Terraform stack per environment; the stack id is the environment name. */
import type { Environment } from "../src/config/schema";
import { resolveWritablePath } from "../src/contracts/state-paths";
import type { App } from "../src/lib/tf";
import type { SynthContext } from "../src/contracts/synth-context";
import { AckStack } from "./ack/ack-stack";
import { LocalStack } from "./local/local-stack";
import { terraformLiterals } from "./shared/terraform-literal";

/** Files Terraform will write at config-named paths must not land on the project's own files. */
function checkWritablePaths(root: string, env: Environment): void {
  resolveWritablePath(root, env.name, `${env.name}.kubeconfigPath`, "kubeconfig", env.config.kubeconfigPath);
  if (env.kind === "ack" && env.config.backend.type === "local")
    resolveWritablePath(root, env.name, `${env.name}.backend.path`, "state", env.config.backend.path);
}

/** The stack of each platform (one per profile in src/config/profiles/). */
const STACKS: { readonly [P in Environment["kind"]]: (app: App, env: Extract<Environment, { kind: P }>, ctx: SynthContext) => void } = {
  local: (app, env, ctx) => new LocalStack(app, env.name, { config: terraformLiterals(env.config), ctx }),
  ack: (app, env, ctx) => new AckStack(app, env.name, { environment: env.name, config: terraformLiterals(env.config), ctx }),
};

export function addStacks(app: App, envs: readonly Environment[], ctx: SynthContext): void {
  for (const env of envs) {
    checkWritablePaths(ctx.root, env);
    // The config boundary: every string and key a stack can read is a Terraform literal.
    (STACKS[env.kind] as (app: App, env: Environment, ctx: SynthContext) => void)(app, env, ctx);
  }
}
