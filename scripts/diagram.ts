/** `npm run diagram -- <environment>`: draws dist/<environment>/architecture.svg and .png (see docs/diagram.md). */
import { relative, resolve } from "node:path";
import { loadConfig, parseEnvironmentName } from "../src/config/load";
import { writeDiagram } from "../src/diagram/diagram";
import { runCli } from "../src/errors";

void runCli(async () => {
  const name = parseEnvironmentName(process.argv[2]);
  const root = process.env.CLUSTERKIT_ROOT ? resolve(process.env.CLUSTERKIT_ROOT) : resolve(__dirname, "..");
  const files = await writeDiagram(root, name, loadConfig());
  process.stdout.write(`clusterkit: wrote ${relative(process.cwd(), files.svg)} and ${relative(process.cwd(), files.png)}\n`);
});
