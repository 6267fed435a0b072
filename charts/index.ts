/**
 * Builds the manifests of one environment into `outdir`, one file per chart. Chart ids start
 * with a two-digit order, so applying the files in name order is correct.
 */
import type { Environment } from "../src/config/schema";
import { App, Chart, YamlOutputType, kplus } from "../src/lib/k8s";
import type { SynthContext } from "../src/synth/context";

export function addCharts(env: Environment, outdir: string, _ctx: SynthContext): void {
  const app = new App({ outdir, outputFileExtension: ".k8s.yaml", yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const chart = new Chart(app, "10-namespaces", { disableResourceNameHashes: true });
  new kplus.Namespace(chart, "web", { metadata: { name: env.config.webApp.namespace } });
  app.synth();
}
