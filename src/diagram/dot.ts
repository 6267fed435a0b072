/** Renders a `Diagram` as Graphviz DOT: groups become clusters, node kinds and edge kinds get one style each. */
import type { Diagram, DiagramEdge, DiagramGroup, DiagramNode, EdgeKind, GroupKind, NodeKind } from "./model";

const NODE_STYLE: Record<NodeKind, string> = {
  vm: 'shape=box style="rounded,filled" fillcolor="#dbeafe" color="#1d4ed8"',
  host: 'shape=box style="rounded,filled" fillcolor="#f3f4f6" color="#374151"',
  network: 'shape=box style="filled" fillcolor="#ecfccb" color="#4d7c0f"',
  gateway: 'shape=box style="rounded,filled" fillcolor="#fef3c7" color="#b45309"',
  storage: 'shape=cylinder style="filled" fillcolor="#ede9fe" color="#6d28d9"',
  pool: 'shape=box style="rounded,filled,dashed" fillcolor="#fce7f3" color="#be185d"',
  component: 'shape=box style="rounded,filled" fillcolor="#ffffff" color="#0f766e" penwidth=1.5',
  service: 'shape=box style="rounded,filled" fillcolor="#f0fdfa" color="#0f766e"',
  external: 'shape=ellipse style="filled" fillcolor="#f3f4f6" color="#6b7280"',
};

const GROUP_STYLE: Record<GroupKind, string> = {
  cloud: 'style="rounded" color="#9ca3af"',
  network: 'style="rounded,filled" fillcolor="#f7fee7" color="#65a30d"',
  zone: 'style="rounded,dashed" color="#65a30d"',
  cluster: 'style="rounded,filled" fillcolor="#f8fafc" color="#334155"',
  namespace: 'style="rounded,filled" fillcolor="#f0fdfa" color="#0d9488"',
};

const EDGE_STYLE: Record<EdgeKind, string> = {
  link: 'color="#9ca3af" arrowhead=none',
  traffic: 'color="#0f766e" penwidth=1.4',
  dns: 'color="#94a3b8" style=dashed arrowsize=0.6',
  announce: 'color="#be185d" style=dashed',
};

/** A DOT double-quoted string. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function node(n: DiagramNode, indent: string): string {
  return `${indent}${n.id} [label=${quote(n.lines.join("\n"))} ${NODE_STYLE[n.kind]}];`;
}

function group(g: DiagramGroup, indent: string): string[] {
  return [
    `${indent}subgraph cluster_${g.id} {`,
    `${indent}  label=${quote(g.label)} ${GROUP_STYLE[g.kind]};`,
    ...g.nodes.map((n) => node(n, `${indent}  `)),
    ...g.groups.flatMap((c) => group(c, `${indent}  `)),
    `${indent}}`,
  ];
}

function edge(e: DiagramEdge): string {
  return `  ${e.from} -> ${e.to} [${e.label ? `label=${quote(e.label)} ` : ""}${EDGE_STYLE[e.kind]}];`;
}

export function toDot(d: Diagram): string {
  const title = [d.title, ...d.notes].join("\n");
  return [
    "digraph architecture {",
    `  graph [label=${quote(title)} labelloc=t fontsize=18 fontname="Helvetica" rankdir=LR compound=true nodesep=0.35 ranksep=0.9 pad=0.3];`,
    '  node [fontname="Helvetica" fontsize=11];',
    '  edge [fontname="Helvetica" fontsize=9];',
    ...d.nodes.map((n) => node(n, "  ")),
    ...d.groups.flatMap((g) => group(g, "  ")),
    ...d.edges.map(edge),
    "}",
    "",
  ].join("\n");
}
