/** `npm run destroy -- <environment> [--yes]`: deletes everything `deploy` created for it (see docs/deploy.md). */
import { resolve } from "node:path";
import { loadConfig } from "../src/config/load";
import { parseArgs } from "../src/deploy/args";
import { destroy, terminalConfirm } from "../src/deploy/destroy";
import { streamReporter } from "../src/deploy/reporter";
import { processRunner } from "../src/deploy/runner";
import { runCli } from "../src/errors";

void runCli(async () => {
  const args = parseArgs(process.argv.slice(2), ["--yes"]);
  const root = process.env.CLUSTERKIT_ROOT ? resolve(process.env.CLUSTERKIT_ROOT) : resolve(__dirname, "..");
  await destroy({
    root,
    environment: args.environment,
    configs: loadConfig(),
    runner: processRunner,
    reporter: streamReporter(),
    env: process.env,
    yes: args.yes,
    confirm: terminalConfirm(),
  });
});
