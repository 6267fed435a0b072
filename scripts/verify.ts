/**
 * `npm run verify -- <environment> [--json] [--only <checks>]`: proves on the deployed cluster what
 * the documents showed by hand (see `--help` and README). Exit status 1 when any check fails.
 */
import { resolve } from "node:path";
import { configuredEnvironmentNames, environmentNamed, loadConfig } from "../src/config/load";
import { streamReporter } from "../src/deploy/reporter";
import { processRunner } from "../src/deploy/runner";
import { runCli } from "../src/errors";
import { parseVerifyArgs } from "../src/verify/args";
import { verifyContext } from "../src/verify/context";
import { formatReport, helpText, runVerify } from "../src/verify/verify";

void runCli(async () => {
  const args = parseVerifyArgs(process.argv.slice(2), () => configuredEnvironmentNames());
  if (args.help) {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  const root = process.env.CLUSTERKIT_ROOT ? resolve(process.env.CLUSTERKIT_ROOT) : resolve(__dirname, "..");
  const environment = environmentNamed(loadConfig(), args.environment);
  const ctx = verifyContext({ root, environment, runner: processRunner, reporter: streamReporter() });
  const report = await runVerify(ctx, args.only);
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  if (!report.ok) process.exitCode = 1;
});
