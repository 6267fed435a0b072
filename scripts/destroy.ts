/** `npm run destroy -- <environment> [--yes]`: deletes everything `deploy` created for it (see docs/deploy.md). */
import { resolve } from "node:path";
import { loadConfig } from "../src/config/load";
import { parseArgs } from "../src/deploy/args";
import { destroy, terminalConfirm } from "../src/deploy/destroy";
import { Interruption, listenForStopSignals } from "../src/deploy/interrupt";
import { streamReporter } from "../src/deploy/reporter";
import { createProcessRunner } from "../src/deploy/runner";
import { runCli } from "../src/errors";

void runCli(async () => {
  const args = parseArgs(process.argv.slice(2), ["--yes"]);
  const root = process.env.CLUSTERKIT_ROOT ? resolve(process.env.CLUSTERKIT_ROOT) : resolve(__dirname, "..");
  const interruption = new Interruption();
  listenForStopSignals(interruption, (line) => process.stderr.write(`${line}\n`));
  await destroy({
    root,
    environment: args.environment,
    configs: loadConfig(),
    runner: createProcessRunner({ interruption }),
    reporter: streamReporter(),
    env: process.env,
    yes: args.yes,
    confirm: terminalConfirm(),
    interruption,
  });
});
