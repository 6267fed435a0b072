/** `npm run -s config -- <environment>`: the effective configuration of one environment, as JSON. */
import { configuredEnvironmentNames, loadConfig } from "../../config/load";
import { PRESET_NAMES, type EnvironmentName } from "../../config/schema";
import { type CommandSpec, helpText, parseCommandLine } from "../args";
import type { CliIo } from "../io";

const CONFIG_COMMAND: CommandSpec = {
  command: "npm run -s config --",
  summary:
    "Prints an environment's effective configuration (the defaults merged with the CLUSTERKIT_CONFIG file, addresses resolved) as JSON, after validating it. Placed under its environment's key, the output is itself a valid override.",
  positionals: [
    {
      name: "environment",
      noun: "environment",
      choices: PRESET_NAMES,
      moreChoices: "or one the CLUSTERKIT_CONFIG file adds",
      description: "the environment to print",
    },
  ],
  options: [],
  examples: ["npm run -s config -- local", "CLUSTERKIT_CONFIG=clusterkit.yaml npm run -s config -- local"],
};

export function configMain(argv: readonly string[], io: CliIo): number {
  const cl = parseCommandLine(CONFIG_COMMAND, argv, () => ({ environment: configuredEnvironmentNames(io.env) }));
  if (cl.help) {
    io.out(helpText(CONFIG_COMMAND));
    return 0;
  }
  const configs = loadConfig(io.env);
  io.out(`${JSON.stringify(configs[cl.positionals.environment as EnvironmentName], null, 2)}\n`);
  return 0;
}
