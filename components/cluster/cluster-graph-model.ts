import type { ClusterLink, ClusterNode } from "@/server/contract/cluster";

export interface GraphNode {
  id: string;
  node: ClusterNode;
}
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** `vxlan vxlan0 → eth0`, `route eth0 → eth0 (10.244.2.0/24 via 10.250.0.12)`. */
  label: string;
  kind: ClusterLink["kind"];
}

/** The node graph: one box per node name (the one up wins), one edge per link whose ends are both known. Pure. */
export function buildClusterGraph(nodes: readonly ClusterNode[], links: readonly ClusterLink[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const byName = new Map<string, ClusterNode>();
  for (const n of nodes) {
    const seen = byName.get(n.name);
    if (seen === undefined || (seen.state !== "up" && n.state === "up")) byName.set(n.name, n);
  }
  const graphNodes = [...byName.values()].map((node) => ({ id: `node:${node.name}`, node }));
  const edges: GraphEdge[] = [];
  links.forEach((l, i) => {
    if (!byName.has(l.from.node) || !byName.has(l.to.node)) return;
    const ends = `${l.from.iface} → ${l.to.iface ?? l.address}`;
    edges.push({ id: `link:${i}`, source: `node:${l.from.node}`, target: `node:${l.to.node}`, kind: l.kind, label: `${l.kind} ${ends}` });
  });
  return { nodes: graphNodes, edges };
}
