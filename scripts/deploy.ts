/**
 * `npm run deploy -- <environment> [--secrets-file <path>] [--plan] [--skip-verify]`: from nothing
 * to a running cluster with the workload, its images delivered and sign-in ready, then `verify`
 * (see docs/deploy.md). Safe to run again; an interrupted run resumes.
 */
import { resolve } from "node:path";
import { loadConfig } from "../src/config/load";
import { parseArgs } from "../src/deploy/args";
import { deploy } from "../src/deploy/deploy";
import { Interruption, listenForStopSignals } from "../src/deploy/interrupt";
import { streamReporter } from "../src/deploy/reporter";
import { realClock } from "../src/deploy/retry";
import { createProcessRunner } from "../src/deploy/runner";
import { httpFetch } from "../src/deploy/upstream-cache";
import { runCli } from "../src/errors";

void runCli(async () => {
  const args = parseArgs(process.argv.slice(2), ["--secrets-file", "--plan", "--skip-verify"]);
  // CLUSTERKIT_ROOT lets tests run against a scratch folder instead of the checkout.
  const root = process.env.CLUSTERKIT_ROOT ? resolve(process.env.CLUSTERKIT_ROOT) : resolve(__dirname, "..");
  // Ctrl-C and SIGTERM reach terraform as its clean stop, and deploy waits for it (interrupt.ts).
  const interruption = new Interruption();
  listenForStopSignals(interruption, (line) => process.stderr.write(`${line}\n`));
  const lines = await deploy({
    root,
    environment: args.environment,
    configs: loadConfig(),
    runner: createProcessRunner({ interruption }),
    fetcher: httpFetch,
    reporter: streamReporter(),
    clock: realClock,
    env: process.env,
    secretsFile: args.secretsFile,
    planOnly: args.planOnly,
    skipVerify: args.skipVerify,
    interruption,
  });
  process.stdout.write(`${lines.join("\n")}\n`);
});
