import type { Environment } from "../../src/config/schema";
import type { App } from "../../src/lib/k8s";
import type { SynthContext } from "../../src/synth/context";

/** CNI, metrics-server, MetalLB config, storage and the demo web app (placeholder). */
export function addPlatformCharts(_app: App, _env: Environment, _ctx: SynthContext): void {}
