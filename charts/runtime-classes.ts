/**
 * Runtimes in the manifests: the cluster-scoped RuntimeClass of every sandboxed runtime the
 * environment installs and the charts own (`05-runtime-classes`, applied before any workload), and
 * the `runtimeClassName` each workload's Pods get from its `runtime` setting. runc needs no class;
 * ACK's sandboxed runtime comes with ACK's own RuntimeClass, which is referenced, never created.
 */
import { type RuntimeName, runtimeSupport, SANDBOXED_RUNTIMES } from "../src/config/runtimes";
import type { RuntimeClassSpec } from "../src/contracts/runtimes";
import type { Environment } from "../src/config/schema";
import type { Construct } from "constructs";
import { type App, Chart, k8s } from "../src/lib/k8s";
import { CHART_IDS } from "../src/contracts/chart-ids";

/** The RuntimeClass a runtime is selected by in this environment (undefined for runc). */
export function runtimeClassOf(env: Environment, runtime: RuntimeName): RuntimeClassSpec | undefined {
  const s = runtimeSupport(env.kind, env.config)[runtime];
  // Validation refuses a runtime the environment does not install; this is the bug net behind it.
  if (!s.installed) throw new Error(`${runtime} is not installed in ${env.name}: ${s.reason}`);
  return s.runtimeClass;
}

/** Spread into a Pod spec: `runtimeClassName` when the runtime needs one. */
export function podRuntime(env: Environment, runtime: RuntimeName): { runtimeClassName?: string } {
  const rc = runtimeClassOf(env, runtime);
  return rc ? { runtimeClassName: rc.name } : {};
}

export interface RuntimeClassesChartProps {
  /** The classes this chart owns: each sandboxed runtime the environment installs and no platform ships. */
  readonly classes: readonly { readonly runtime: RuntimeName; readonly spec: RuntimeClassSpec }[];
}

/** Cluster-scoped RuntimeClasses, applied before any workload that names them. */
class RuntimeClassesChart extends Chart {
  constructor(scope: Construct, id: string, props: RuntimeClassesChartProps) {
    super(scope, id);
    for (const { runtime, spec } of props.classes) {
      new k8s.KubeRuntimeClass(this, runtime, {
        metadata: { name: spec.name, labels: { "app.kubernetes.io/part-of": "clusterkit", "clusterkit.io/runtime": runtime } },
        handler: spec.handler,
        ...(spec.overhead
          ? { overhead: { podFixed: { cpu: k8s.Quantity.fromString(spec.overhead.cpu), memory: k8s.Quantity.fromString(spec.overhead.memory) } } }
          : {}),
        ...(spec.nodeSelector ? { scheduling: { nodeSelector: { ...spec.nodeSelector } } } : {}),
      });
    }
  }
}

/** The chart `05-runtime-classes`; nothing when the environment installs no class of its own. */
export function addRuntimeClassChart(app: App, env: Environment): void {
  const support = runtimeSupport(env.kind, env.config);
  const owned = SANDBOXED_RUNTIMES.flatMap((r) => {
    const s = support[r];
    return s.installed && s.chartCreatesClass && s.runtimeClass ? [{ runtime: r, spec: s.runtimeClass }] : [];
  });
  if (owned.length === 0) return;
  new RuntimeClassesChart(app, CHART_IDS.runtimeClasses, { classes: owned });
}
