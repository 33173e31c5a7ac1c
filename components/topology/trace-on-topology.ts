import type { SnapshotOverview } from "@/server/contract/snapshot";
import type { TraceResult } from "@/server/contract/trace";
import { graphEnds, netnsNodeId, type GraphEnd, type Topology, type TopologyOptions } from "./topology-model";

/** What a path trace lights up on the graph: the boxes and hubs the packet passes, and the wires between them. */
export interface TracedPath {
  nodeIds: Set<string>;
  edgeIds: Set<string>;
}

const endKey = (e: GraphEnd) => `${e.node}|${e.port ?? ""}`;

/**
 * A trace's hops on a topology built from the same snapshot (pure): every interface a hop names (in or out) marks
 * where it lands on the graph, as buildTopology places it (its own port, or the bridge hub it hides behind); a
 * routing hop marks its namespace's box too. A wire is on the path when both its ends are marked.
 */
export function tracedPath(snapshot: SnapshotOverview, topology: Topology, options: TopologyOptions, trace: TraceResult): TracedPath {
  const { byId, end } = graphEnds(snapshot, options);
  const marked = new Set<string>();
  const nodeIds = new Set<string>();
  for (const hop of trace.hops) {
    const netns = byId.get(hop.netnsId);
    if (netns === undefined) continue;
    if (hop.kind === "route") nodeIds.add(netnsNodeId(netns.id));
    for (const ifindex of [hop.inIfindex, hop.outIfindex]) {
      const iface = ifindex === undefined ? undefined : netns.interfaces.find((i) => i.ifindex === ifindex);
      if (iface === undefined) continue;
      const at = end(netns, iface);
      marked.add(endKey(at));
      nodeIds.add(at.node);
    }
  }
  const shown = new Set(topology.nodes.map((n) => n.id));
  const edgeIds = new Set(
    topology.edges
      .filter((e) => marked.has(endKey({ node: e.source, port: e.sourcePort })) && marked.has(endKey({ node: e.target, port: e.targetPort })))
      .map((e) => e.id),
  );
  return { nodeIds: new Set([...nodeIds].filter((id) => shown.has(id))), edgeIds };
}

/** The query string that puts a trace on the topology: the source namespace as `from`, the rest as a trace panel's URL has it. */
export function topologyTraceSearch(query: TraceResult["query"]): string {
  const params = new URLSearchParams({ from: query.from, trace: query.to });
  if (query.proto !== undefined) params.set("proto", query.proto);
  if (query.sport !== undefined) params.set("sport", String(query.sport));
  if (query.dport !== undefined) params.set("dport", String(query.dport));
  return params.toString();
}
