import { ifaceAddresses, netnsLabel, primaryOwner } from "@/server/contract/display";
import type { OverviewInterface, OverviewNetns, Owner, SnapshotOverview } from "@/server/contract/snapshot";

export interface TopoPort {
  id: string;
  name: string;
  kind: string;
  addresses: string[];
  isPeerMissing: boolean;
}

/** The text beside a port's name: its first address, else its kind. */
export const portCaption = (p: TopoPort): string => p.addresses[0] ?? p.kind;

export interface TopoNode {
  /** "netns:<inode>" or "bridge:<inode>:<ifindex>". */
  id: string;
  kind: "netns" | "host" | "bridge";
  label: string;
  /** The namespace it is in (a bridge's) or is. */
  netnsId: string;
  ownerKind?: Owner["kind"];
  k8sNamespace?: string;
  ports: TopoPort[];
}

export interface TopoEdge {
  id: string;
  source: string;
  sourcePort?: string;
  target: string;
  targetPort?: string;
  /** veth: a pair; bridge-port: an interface enslaved to a bridge (its veth end on the bridge side is the label); parent: macvlan/vxlan on its device. */
  kind: "veth" | "bridge-port" | "parent";
  label?: string;
}

export interface Topology {
  nodes: TopoNode[];
  edges: TopoEdge[];
}

export interface TopologyOptions {
  hideLoopback: boolean;
}

const portId = (netnsId: string, ifindex: number) => `port:${netnsId}:${ifindex}`;
export const netnsNodeId = (netnsId: string) => `netns:${netnsId}`;
const bridgeNodeId = (netnsId: string, ifindex: number) => `bridge:${netnsId}:${ifindex}`;

/** An edge's end on the graph: a node, and the port on it (none for a bridge hub). */
export interface GraphEnd {
  node: string;
  port?: string;
}

/** How the graph places interfaces: which are hidden behind their bridge hub, and where an edge touching one lands. */
export function graphEnds(snapshot: SnapshotOverview, options: TopologyOptions) {
  const byId = new Map(snapshot.netns.map((n) => [n.id, n]));
  const ifaceAt = (netnsId: string, ifindex: number) => byId.get(netnsId)?.interfaces.find((i) => i.ifindex === ifindex);
  const hubOf = (n: OverviewNetns, i: OverviewInterface): string | undefined => {
    if (i.masterIfindex === undefined) return undefined;
    const master = n.interfaces.find((m) => m.ifindex === i.masterIfindex);
    return master?.kind === "bridge" ? bridgeNodeId(n.id, master.ifindex) : undefined;
  };
  const isHiddenPort = (n: OverviewNetns, i: OverviewInterface) =>
    (options.hideLoopback && i.kind === "loopback") || i.kind === "bridge" || (i.kind === "veth" && hubOf(n, i) !== undefined && i.peer !== undefined);
  // Where an edge touching interface i of netns n lands: its hub when it is hidden behind one, else its own port.
  const end = (n: OverviewNetns, i: OverviewInterface): GraphEnd => {
    const hub = hubOf(n, i);
    if (hub !== undefined && isHiddenPort(n, i)) return { node: hub };
    if (i.kind === "bridge") return { node: bridgeNodeId(n.id, i.ifindex) };
    return { node: netnsNodeId(n.id), port: portId(n.id, i.ifindex) };
  };
  return { byId, ifaceAt, hubOf, isHiddenPort, end };
}

/**
 * The wiring of a snapshot as a graph (pure): a box per namespace with its interfaces as ports,
 * a hub per bridge, an edge per veth pair (to the bridge hub when one end is a bridge port, whose
 * name labels the edge), and dashed edges from macvlan/vxlan devices to what they sit on.
 */
export function buildTopology(snapshot: SnapshotOverview, options: TopologyOptions): Topology {
  const { byId, ifaceAt, hubOf, isHiddenPort, end } = graphEnds(snapshot, options);

  const nodes: TopoNode[] = [];
  const edges: TopoEdge[] = [];
  for (const n of snapshot.netns) {
    const owner = primaryOwner(n.owners);
    nodes.push({
      id: netnsNodeId(n.id),
      kind: n.isHost ? "host" : "netns",
      label: netnsLabel(n),
      netnsId: n.id,
      ...(owner ? { ownerKind: owner.kind } : {}),
      ...(owner?.kind === "kubernetes-pod" ? { k8sNamespace: owner.namespace } : {}),
      ports: n.interfaces
        .filter((i) => !isHiddenPort(n, i))
        .map((i) => ({ id: portId(n.id, i.ifindex), name: i.name, kind: i.kind, addresses: ifaceAddresses(i), isPeerMissing: i.isPeerMissing === true })),
    });
    for (const b of n.interfaces.filter((i) => i.kind === "bridge")) {
      nodes.push({ id: bridgeNodeId(n.id, b.ifindex), kind: "bridge", label: b.name, netnsId: n.id, ports: [] });
    }
  }

  const seen = new Set<string>();
  for (const n of snapshot.netns) {
    for (const i of n.interfaces) {
      if (options.hideLoopback && i.kind === "loopback") continue;
      if (i.peer !== undefined) {
        const key = [portId(n.id, i.ifindex), portId(i.peer.netnsId, i.peer.ifindex)].sort().join("|");
        if (seen.has(key)) continue;
        seen.add(key);
        const peerNetns = byId.get(i.peer.netnsId);
        const peer = ifaceAt(i.peer.netnsId, i.peer.ifindex);
        if (peerNetns === undefined || peer === undefined) continue;
        const a = end(n, i);
        const b = end(peerNetns, peer);
        const bridgeSide = a.port === undefined ? i.name : b.port === undefined ? peer.name : undefined;
        edges.push({
          id: `veth:${key}`,
          source: a.node,
          ...(a.port ? { sourcePort: a.port } : {}),
          target: b.node,
          ...(b.port ? { targetPort: b.port } : {}),
          kind: bridgeSide ? "bridge-port" : "veth",
          ...(bridgeSide ? { label: bridgeSide } : {}),
        });
      } else if (i.kind !== "veth" && i.kind !== "bridge" && hubOf(n, i) !== undefined) {
        // A non-veth port of a bridge (a physical NIC, a tap): an edge from the interface to its hub.
        edges.push({
          id: `port:${n.id}:${i.ifindex}`,
          source: netnsNodeId(n.id),
          sourcePort: portId(n.id, i.ifindex),
          target: hubOf(n, i) ?? "",
          kind: "bridge-port",
        });
      }
      if (i.parent !== undefined) {
        const parentNetns = byId.get(i.parent.netnsId);
        const parent = ifaceAt(i.parent.netnsId, i.parent.ifindex);
        if (parentNetns === undefined || parent === undefined) continue;
        const a = end(n, i);
        const b = end(parentNetns, parent);
        edges.push({
          id: `parent:${n.id}:${i.ifindex}`,
          source: a.node,
          ...(a.port ? { sourcePort: a.port } : {}),
          target: b.node,
          ...(b.port ? { targetPort: b.port } : {}),
          kind: "parent",
          label: i.kind,
        });
      }
    }
  }
  // A wire from a box to itself (a vxlan on its own eth0, a veth pair inside one namespace) says
  // nothing a port list does not: left out of the picture.
  return { nodes, edges: edges.filter((e) => e.source !== e.target) };
}

/** What `?focus=` names: a pod, a container, or a namespace. */
export function focusNodeId(snapshot: SnapshotOverview, focus: string): string | undefined {
  const [kind, ...rest] = focus.split(":");
  const value = rest.join(":");
  const netns = snapshot.netns.find((n) =>
    kind === "netns"
      ? n.id === value
      : kind === "pod"
        ? n.owners.some((o) => o.kind === "kubernetes-pod" && o.name === value)
        : kind === "container"
          ? n.owners.some((o) => o.kind === "docker-container" && o.name === value)
          : false,
  );
  return netns ? netnsNodeId(netns.id) : undefined;
}

/**
 * The neighbourhood of one node: what it is wired to, and what those are wired to, except through
 * a bridge (a bridge with 200 ports would bring the whole node back).
 */
export function neighbourhood(topology: Topology, center: string): Topology {
  const adjacent = new Map<string, Set<string>>();
  for (const e of topology.edges) {
    if (!adjacent.has(e.source)) adjacent.set(e.source, new Set());
    if (!adjacent.has(e.target)) adjacent.set(e.target, new Set());
    adjacent.get(e.source)?.add(e.target);
    adjacent.get(e.target)?.add(e.source);
  }
  const keep = new Set([center]);
  for (const first of adjacent.get(center) ?? []) {
    keep.add(first);
    if (first.startsWith("bridge:")) continue;
    for (const second of adjacent.get(first) ?? []) keep.add(second);
  }
  return { nodes: topology.nodes.filter((n) => keep.has(n.id)), edges: topology.edges.filter((e) => keep.has(e.source) && keep.has(e.target)) };
}
