/** The diagram as data: nested groups of labelled nodes, and edges. Rendered to DOT by `dot.ts`. */

export type NodeKind = "vm" | "host" | "network" | "gateway" | "storage" | "pool" | "component" | "external" | "service";

export interface DiagramNode {
  readonly id: string;
  /** Lines of the label; the first is the name. */
  readonly lines: readonly string[];
  readonly kind: NodeKind;
}

export type GroupKind = "network" | "cluster" | "namespace" | "zone" | "cloud";

export interface DiagramGroup {
  readonly id: string;
  readonly label: string;
  readonly kind: GroupKind;
  readonly nodes: readonly DiagramNode[];
  readonly groups: readonly DiagramGroup[];
}

export type EdgeKind = "link" | "traffic" | "dns" | "announce";

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
}

export interface Diagram {
  readonly title: string;
  /** Lines under the title (e.g. "NetworkPolicy NOT enforced"). */
  readonly notes: readonly string[];
  readonly nodes: readonly DiagramNode[];
  readonly groups: readonly DiagramGroup[];
  readonly edges: readonly DiagramEdge[];
}
