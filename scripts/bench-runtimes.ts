/**
 * `npm run bench:runtimes -- <environment> | --local`: the documents' runtime comparison (runC,
 * gVisor, Kata) on a cluster or on this machine. See docs/runtimes.md and src/bench/.
 */
import { configuredEnvironmentNames } from "../src/config/load";
import { relative, resolve } from "node:path";
import { benchAndWrite, parseBenchArgs, USAGE } from "../src/bench/cli";
import { clusterBackend } from "../src/bench/kube-target";
import { LocalBackend } from "../src/bench/local";
import { loadConfig } from "../src/config/load";
import { runCli } from "../src/errors";

void runCli(async () => {
  const args = parseBenchArgs(process.argv.slice(2), () => configuredEnvironmentNames());
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const root = process.env.CLUSTERKIT_ROOT ? resolve(process.env.CLUSTERKIT_ROOT) : resolve(__dirname, "..");
  const log = (line: string) => process.stderr.write(`  ${line}\n`);
  const backend =
    args.target === "local-machine"
      ? new LocalBackend({ imagesDir: args.images ?? resolve(root, "build", "images"), ...(args.podmanRoot ? { podmanRoot: args.podmanRoot } : {}), log })
      : clusterBackend(args.target, loadConfig(), root, args.kubeconfig, log);
  const written = await benchAndWrite(backend, args, root, log);
  process.stdout.write(`${written.table}\n\nwrote ${relative(process.cwd(), written.json)} and ${relative(process.cwd(), written.svg)}\n`);
});
