import type { Environment } from "../../src/config/schema";
import type { App } from "../../src/lib/k8s";
import type { SynthContext } from "../../src/synth/context";

/** The code-execution workload (placeholder). */
export function addFaasCharts(_app: App, _env: Environment, _ctx: SynthContext): void {}
