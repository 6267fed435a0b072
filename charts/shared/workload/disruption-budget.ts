/** A PodDisruptionBudget letting voluntary disruptions (drains, upgrades) take one Pod at a time. */
import type { Construct } from "constructs";
import { k8s } from "../../../src/lib/k8s";

export interface OneAtATimeBudgetProps {
  readonly name: string;
  readonly namespace: string;
  /** Labels of the budget object. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Labels selecting the Pods it protects. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** maxUnavailable 1 (not minAvailable): a drain always makes progress, and a quorum of 3 or 5 keeps its majority. */
export class OneAtATimeBudget extends k8s.KubePodDisruptionBudget {
  constructor(scope: Construct, id: string, props: OneAtATimeBudgetProps) {
    super(scope, id, {
      metadata: { name: props.name, namespace: props.namespace, ...(props.labels ? { labels: { ...props.labels } } : {}) },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...props.podLabels } } },
    });
  }
}
