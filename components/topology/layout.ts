import ELK from "elkjs/lib/elk.bundled.js";
import type { Topology, TopoNode } from "./topology-model";

export interface Positioned {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const NODE_WIDTH = 240;
const HEADER = 34;
const PORT_ROW = 22;

export function nodeSize(n: TopoNode): { width: number; height: number } {
  if (n.kind === "bridge") return { width: 150, height: 44 };
  return { width: NODE_WIDTH, height: HEADER + Math.max(1, n.ports.length) * PORT_ROW + 8 };
}

const elk = new ELK();

/**
 * Positions for every node (elkjs, layered). Nodes that already have a position keep it, so a
 * refresh that adds one pod does not move the rest of the picture; only new nodes take ELK's.
 */
export async function layoutTopology(topology: Topology, previous: Map<string, Positioned>, direction: "RIGHT" | "DOWN"): Promise<Map<string, Positioned>> {
  const result = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": direction,
      "elk.spacing.nodeNode": "30",
      "elk.layered.spacing.nodeNodeBetweenLayers": "70",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
    },
    children: topology.nodes.map((n) => ({ id: n.id, ...nodeSize(n) })),
    edges: topology.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const out = new Map<string, Positioned>();
  const fresh: Array<{ id: string; p: Positioned }> = [];
  for (const child of result.children ?? []) {
    const old = previous.get(child.id);
    const size = { width: child.width ?? NODE_WIDTH, height: child.height ?? 40 };
    if (old) out.set(child.id, { ...old, ...size });
    else fresh.push({ id: child.id, p: { x: child.x ?? 0, y: child.y ?? 0, ...size } });
  }
  // New nodes among old ones go, as ELK arranged them, below the existing picture: nothing old moves.
  const bottom = out.size === 0 ? undefined : Math.max(...[...out.values()].map((p) => p.y + p.height));
  const top = Math.min(...fresh.map((f) => f.p.y));
  for (const f of fresh) out.set(f.id, bottom === undefined ? f.p : { ...f.p, y: f.p.y - top + bottom + 60 });
  return out;
}
