/** `npm run diagram -- <environment>`: diagrams/<environment>/architecture.svg and .png (see docs/diagram.md). */
import { relative } from "node:path";
import { configuredEnvironmentNames, loadConfig } from "../../config/load";
import { PRESET_NAMES, type EnvironmentName } from "../../config/schema";
import { writeDiagram } from "../../diagram/diagram";
import { type CommandSpec, helpText, parseCommandLine } from "../args";
import type { CliIo } from "../io";

const DIAGRAM_COMMAND: CommandSpec = {
  command: "npm run diagram --",
  summary:
    "Draws the environment's architecture (machines and networks from the config, workload components and the connections its NetworkPolicies allow from freshly synthesized manifests) to diagrams/<environment>/architecture.svg, .png and .dot.",
  positionals: [
    {
      name: "environment",
      noun: "environment",
      choices: PRESET_NAMES,
      moreChoices: "or one the CLUSTERKIT_CONFIG file adds",
      description: "the environment to draw",
    },
  ],
  options: [],
  examples: ["npm run diagram -- local", "npm run diagram -- ack-managed"],
};

export async function diagramMain(argv: readonly string[], io: CliIo): Promise<number> {
  const cl = parseCommandLine(DIAGRAM_COMMAND, argv, () => ({ environment: configuredEnvironmentNames(io.env) }));
  if (cl.help) {
    io.out(helpText(DIAGRAM_COMMAND));
    return 0;
  }
  const files = await writeDiagram(io.root, cl.positionals.environment as EnvironmentName, loadConfig(io.env));
  const shown = (f: string) => relative(io.env.INIT_CWD ?? process.cwd(), f);
  io.out(`clusterkit: wrote ${shown(files.svg)} and ${shown(files.png)}\n`);
  return 0;
}
