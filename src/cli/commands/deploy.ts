/** `npm run deploy` and `npm run destroy` (see src/deploy/deploy.ts, destroy.ts and docs/deploy.md). */
import { httpOpen, type Opener } from "../../box/download";
import { loadConfig } from "../../config/load";
import { DEPLOY_COMMAND, DESTROY_COMMAND, parseDeployArgs } from "../../deploy/args";
import { deploy } from "../../deploy/deploy";
import { destroy, terminalConfirm } from "../../deploy/destroy";
import { type Clock, realClock } from "../../deploy/retry";
import { Interruption, listenForStopSignals } from "../../deploy/interrupt";
import { createProcessRunner, type Runner } from "../../deploy/runner";
import { type Fetcher, httpFetch } from "../../deploy/upstream-cache";
import { helpText } from "../args";
import { type CliIo, reporterFor } from "../io";

/** What the commands talk to; tests pass fakes. @default the real tools, network and clock */
export interface DeployDeps {
  /** @default a process runner (minimal child environments from the command's environment) that forwards Ctrl-C/SIGTERM */
  readonly runner?: Runner;
  readonly fetcher?: Fetcher;
  readonly open?: Opener;
  readonly clock?: Clock;
  readonly confirm?: (question: string) => Promise<string>;
}

/**
 * The runner and stop requests of a real run: Ctrl-C and SIGTERM reach terraform as its clean stop,
 * and the command waits for it (src/deploy/interrupt.ts). Tests pass their own runner and get none.
 */
function processWiring(io: CliIo, deps: DeployDeps): { runner: Runner; interruption?: Interruption; stop: () => void } {
  if (deps.runner) return { runner: deps.runner, stop: () => undefined };
  const interruption = new Interruption();
  const stop = listenForStopSignals(interruption, (line) => io.err(`${line}\n`));
  return { runner: createProcessRunner({ env: io.env, interruption }), interruption, stop };
}

export async function deployMain(argv: readonly string[], io: CliIo, deps: DeployDeps = {}): Promise<number> {
  const args = parseDeployArgs(DEPLOY_COMMAND, argv, io.env);
  if (!args) {
    io.out(helpText(DEPLOY_COMMAND));
    return 0;
  }
  const configs = loadConfig(io.env);
  const { runner, interruption, stop } = processWiring(io, deps);
  try {
    const lines = await deploy({
      root: io.root,
      environment: args.environment,
      configs,
      runner,
      interruption,
      fetcher: deps.fetcher ?? httpFetch,
      open: deps.open ?? httpOpen,
      reporter: reporterFor(io),
      clock: deps.clock ?? realClock,
      env: io.env,
      secretsFile: args.secretsFile,
      planOnly: args.planOnly,
      skipVerify: args.skipVerify,
    });
    io.out(`${lines.join("\n")}\n`);
    return 0;
  } finally {
    stop();
  }
}

export async function destroyMain(argv: readonly string[], io: CliIo, deps: DeployDeps = {}): Promise<number> {
  const args = parseDeployArgs(DESTROY_COMMAND, argv, io.env);
  if (!args) {
    io.out(helpText(DESTROY_COMMAND));
    return 0;
  }
  const configs = loadConfig(io.env);
  const { runner, interruption, stop } = processWiring(io, deps);
  try {
    await destroy({
      root: io.root,
      environment: args.environment,
      configs,
      runner,
      interruption,
      reporter: reporterFor(io),
      env: io.env,
      yes: args.yes,
      confirm: deps.confirm ?? terminalConfirm(),
    });
    return 0;
  } finally {
    stop();
  }
}
