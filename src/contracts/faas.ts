/**
 * Labels of the FaaS workload's Pods: the charts set them (and select on them in Services and
 * NetworkPolicies); verify finds the components by them.
 */
import { EXECUTOR_LABELS } from "../../service/contract/executor";

export const COMPONENTS = {
  oauth2Proxy: "oauth2-proxy",
  frontend: "frontend",
  middleware: "middleware",
  nats: "nats",
  executor: "executor",
} as const;
export type Component = (typeof COMPONENTS)[keyof typeof COMPONENTS];

/** Pod labels of a component; the NetworkPolicies and Services select on these. */
export function componentLabels(component: Component): Record<string, string> {
  return { "app.kubernetes.io/name": component, "app.kubernetes.io/part-of": "faas" };
}

/** Label carrying an executor's language (the service's contract names it). */
export const LANGUAGE_LABEL = EXECUTOR_LABELS.language;
