/** `npm run -s config -- <environment>`: prints the effective configuration as JSON. */
import { loadConfig, parseEnvironmentName } from "../config/load";
import { runCli } from "../errors";

void runCli(() => {
  const name = parseEnvironmentName(process.argv[2]);
  const configs = loadConfig();
  process.stdout.write(`${JSON.stringify(configs[name], null, 2)}\n`);
});
