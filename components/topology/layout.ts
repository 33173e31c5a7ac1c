import ELK from "elkjs/lib/elk.bundled.js";
import type { Topology, TopoNode } from "./topology-model";

export interface Positioned {
  x: number;
  y: number;
  width: number;
  height: number;
}

const NODE_WIDTH = 240;
const HEADER = 34;
const PORT_ROW = 22;

function nodeSize(n: TopoNode): { width: number; height: number } {
  if (n.kind === "bridge") return { width: 150, height: 44 };
  return { width: NODE_WIDTH, height: HEADER + Math.max(1, n.ports.length) * PORT_ROW + 8 };
}

const elk = new ELK();

/** Above this many members, a bridge's namespaces are laid out as a grid beside it, not by ELK. */
const GRID_GROUP_MIN = 12;
const GRID_ROWS = 20;

/**
 * Splits off "star" groups: a bridge hub and the namespaces wired to nothing but it. ELK's layered
 * layout costs seconds on such stars in the browser (measured: ~3.3 s for one bridge of 250 ports
 * in headless Chromium, ~0.3 s in Node); a grid beside the hub shows the same thing at once.
 */
function starGroups(topology: Topology): Map<string, string[]> {
  const touching = new Map<string, Set<string>>();
  for (const e of topology.edges) {
    if (!touching.has(e.source)) touching.set(e.source, new Set());
    if (!touching.has(e.target)) touching.set(e.target, new Set());
    touching.get(e.source)?.add(e.target);
    touching.get(e.target)?.add(e.source);
  }
  const groups = new Map<string, string[]>();
  for (const n of topology.nodes) {
    if (n.kind !== "netns") continue;
    const links = touching.get(n.id);
    const only = links?.size === 1 ? [...links][0] : undefined;
    if (only?.startsWith("bridge:")) groups.set(only, [...(groups.get(only) ?? []), n.id]);
  }
  for (const [hub, members] of groups) if (members.length < GRID_GROUP_MIN) groups.delete(hub);
  return groups;
}

/**
 * Positions for every node. Nodes that already have a position keep it, so a refresh that adds one
 * pod does not move the rest of the picture; only new nodes get new positions.
 */
export interface Layout {
  positions: Map<string, Positioned>;
  /** With grouping by Kubernetes namespace: each namespace's block, for the labelled background. */
  groups: Map<string, Positioned>;
}

const GROUP_COLUMNS = 4;
const GROUP_PAD = 16;
const GROUP_HEADER = 28;

export async function layoutTopology(
  topology: Topology,
  previous: Map<string, Positioned>,
  direction: "RIGHT" | "DOWN",
  groupByK8sNamespace = false,
): Promise<Layout> {
  // Grouping by Kubernetes namespace: pods are arranged in one block per namespace after the rest.
  const grouped = new Map<string, string[]>();
  if (groupByK8sNamespace)
    for (const n of topology.nodes) if (n.k8sNamespace !== undefined) grouped.set(n.k8sNamespace, [...(grouped.get(n.k8sNamespace) ?? []), n.id]);
  const inGroup = new Set([...grouped.values()].flat());
  const ungrouped: Topology = {
    nodes: topology.nodes.filter((n) => !inGroup.has(n.id)),
    edges: topology.edges.filter((e) => !inGroup.has(e.source) && !inGroup.has(e.target)),
  };
  const stars = starGroups(ungrouped);
  const inStar = new Set([...stars.keys(), ...[...stars.values()].flat()]);
  const rest: Topology = {
    nodes: ungrouped.nodes.filter((n) => !inStar.has(n.id)),
    edges: ungrouped.edges.filter((e) => !inStar.has(e.source) && !inStar.has(e.target)),
  };
  const result = await elk.layout({
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": direction,
      "elk.spacing.nodeNode": "30",
      "elk.layered.spacing.nodeNodeBetweenLayers": "70",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      // Measured at 250 namespaces on one bridge: 310 ms instead of 730 ms (Node), same picture for star-shaped nodes.
      "elk.layered.nodePlacement.strategy": "SIMPLE",
      "elk.layered.crossingMinimization.greedySwitch.type": "OFF",
    },
    children: rest.nodes.map((n) => ({ id: n.id, ...nodeSize(n) })),
    edges: rest.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  });
  const computed = new Map<string, Positioned>();
  for (const child of result.children ?? [])
    computed.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? NODE_WIDTH, height: child.height ?? 40 });

  // Star groups below ELK's part: the hub, then its namespaces in columns of GRID_ROWS.
  const byId = new Map(topology.nodes.map((n) => [n.id, n]));
  let top = computed.size === 0 ? 0 : Math.max(...[...computed.values()].map((p) => p.y + p.height)) + 80;
  for (const [hub, members] of [...stars].sort(([a], [b]) => a.localeCompare(b))) {
    const hubNode = byId.get(hub);
    if (hubNode === undefined) continue;
    const hubSize = nodeSize(hubNode);
    computed.set(hub, { x: 0, y: top, ...hubSize });
    const rowHeight = Math.max(...members.map((m) => nodeSize(byId.get(m) ?? hubNode).height)) + 16;
    members.forEach((m, k) => {
      const size = nodeSize(byId.get(m) ?? hubNode);
      computed.set(m, { x: hubSize.width + 120 + Math.floor(k / GRID_ROWS) * (NODE_WIDTH + 40), y: top + (k % GRID_ROWS) * rowHeight, ...size });
    });
    top += Math.min(members.length, GRID_ROWS) * rowHeight + 80;
  }

  const groups = new Map<string, Positioned>();
  for (const [ns, members] of [...grouped].sort(([a], [b]) => a.localeCompare(b))) {
    const memberNodes = members.flatMap((m) => byId.get(m) ?? []);
    const rowHeight = Math.max(...memberNodes.map((n) => nodeSize(n).height)) + 16;
    memberNodes.forEach((n, k) => {
      computed.set(n.id, {
        x: GROUP_PAD + (k % GROUP_COLUMNS) * (NODE_WIDTH + 40),
        y: top + GROUP_HEADER + Math.floor(k / GROUP_COLUMNS) * rowHeight,
        ...nodeSize(n),
      });
    });
    const rows = Math.ceil(members.length / GROUP_COLUMNS);
    const width = GROUP_PAD * 2 + Math.min(members.length, GROUP_COLUMNS) * (NODE_WIDTH + 40) - 40;
    groups.set(ns, { x: 0, y: top - GROUP_PAD, width, height: GROUP_HEADER + rows * rowHeight + GROUP_PAD });
    top += GROUP_HEADER + rows * rowHeight + 80;
  }

  const out = new Map<string, Positioned>();
  const fresh: Array<{ id: string; p: Positioned }> = [];
  for (const [id, p] of computed) {
    const old = previous.get(id);
    if (old) out.set(id, { ...old, width: p.width, height: p.height });
    else fresh.push({ id, p });
  }
  // New nodes among old ones go, as arranged, below the existing picture: nothing old moves.
  const bottom = out.size === 0 ? undefined : Math.max(...[...out.values()].map((p) => p.y + p.height));
  const freshTop = Math.min(...fresh.map((f) => f.p.y));
  for (const f of fresh) out.set(f.id, bottom === undefined ? f.p : { ...f.p, y: f.p.y - freshTop + bottom + 60 });
  // A group's block follows its members wherever they ended up.
  for (const [ns, members] of grouped) {
    const placed = members.map((m) => out.get(m)).filter((p): p is Positioned => p !== undefined);
    if (placed.length === 0) continue;
    const x = Math.min(...placed.map((p) => p.x)) - GROUP_PAD;
    const y = Math.min(...placed.map((p) => p.y)) - GROUP_HEADER;
    groups.set(ns, {
      x,
      y,
      width: Math.max(...placed.map((p) => p.x + p.width)) + GROUP_PAD - x,
      height: Math.max(...placed.map((p) => p.y + p.height)) + GROUP_PAD - y,
    });
  }
  return { positions: out, groups };
}
