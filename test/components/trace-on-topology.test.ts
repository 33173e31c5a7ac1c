/** What a path trace lights up on the topology (components/topology/trace-on-topology.ts), over traces recorded on the lab with their snapshot. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildTopology, neighbourhood, type Topology } from "../../components/topology/topology-model";
import { topologyTraceSearch, tracedPath } from "../../components/topology/trace-on-topology";
import { snapshotSchema } from "../../server/contract/snapshot";
import { traceResultSchema, type TraceResult } from "../../server/contract/trace";

const recorded = z
  .object({ snapshot: snapshotSchema, traces: z.array(z.object({ what: z.string(), trace: traceResultSchema })) })
  .parse(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/snapshot/lab-traces.json"), "utf8")));
const snapshot = recorded.snapshot;
const options = { hideLoopback: true };
const topology = buildTopology(snapshot, options);

function traceOf(prefix: string): TraceResult {
  const found = recorded.traces.find((t) => t.what.startsWith(prefix))?.trace;
  if (found === undefined) throw new Error(`no ${prefix} trace recorded`);
  return found;
}

/** The graph node of the bridge a hop's interface is a port of, or is. */
function bridgeNodeOf(netnsId: string, ifindex: number | undefined): string {
  const netns = snapshot.netns.find((n) => n.id === netnsId);
  const iface = netns?.interfaces.find((i) => i.ifindex === ifindex);
  const bridge = iface?.kind === "bridge" ? iface.ifindex : iface?.masterIfindex;
  if (bridge === undefined) throw new Error(`netns ${netnsId} if${ifindex ?? "?"} is no bridge and no bridge port`);
  return `bridge:${netnsId}:${bridge}`;
}

const ends = (t: Topology, ids: Set<string>) =>
  t.edges
    .filter((e) => ids.has(e.id))
    .map((e) => [e.source, e.target].sort().join(" "))
    .sort();

describe("a trace on the topology", () => {
  it("lights the two namespaces of a bridged path, their bridge, and the two wires to it", () => {
    const trace = traceOf("bridged");
    expect(trace.verdict).toBe("delivered");
    const [first, bridge, last] = trace.hops;
    if (first === undefined || bridge === undefined || last === undefined) throw new Error("the bridged trace has fewer than three hops");
    expect(bridge.kind).toBe("bridge");
    const hub = bridgeNodeOf(bridge.netnsId, bridge.inIfindex);
    const lit = tracedPath(snapshot, topology, options, trace);
    expect([...lit.nodeIds].sort()).toEqual([`netns:${first.netnsId}`, `netns:${last.netnsId}`, hub].sort());
    expect(ends(topology, lit.edgeIds)).toEqual([[`netns:${first.netnsId}`, hub].sort().join(" "), [`netns:${last.netnsId}`, hub].sort().join(" ")].sort());
  });

  it("lights a routed path through the host: both bridges, the host's box, and only the wires the packet takes", () => {
    const trace = traceOf("routed");
    expect(trace.verdict).toBe("delivered");
    const route = trace.hops.find((h) => h.kind === "route" && h.in !== undefined && h.out !== undefined);
    const first = trace.hops[0];
    const last = trace.hops.at(-1);
    if (route === undefined || first === undefined || last === undefined) throw new Error("the routed trace has no hop that forwards");
    const inHub = bridgeNodeOf(route.netnsId, route.inIfindex);
    const outHub = bridgeNodeOf(route.netnsId, route.outIfindex);
    const lit = tracedPath(snapshot, topology, options, trace);
    expect([...lit.nodeIds].sort()).toEqual([`netns:${first.netnsId}`, `netns:${route.netnsId}`, inHub, outHub, `netns:${last.netnsId}`].sort());
    expect(ends(topology, lit.edgeIds)).toEqual(
      [[`netns:${first.netnsId}`, inHub].sort().join(" "), [`netns:${last.netnsId}`, outHub].sort().join(" ")].sort(),
    );
    // Other wires on the same bridges stay dark.
    const onThoseBridges = topology.edges.filter((e) => [inHub, outHub].includes(e.source) || [inHub, outHub].includes(e.target));
    expect(onThoseBridges.length).toBeGreaterThan(lit.edgeIds.size);
  });

  it("lights only what a focused graph still shows", () => {
    const trace = traceOf("routed");
    const last = trace.hops.at(-1);
    if (last === undefined) throw new Error("the routed trace has no hops");
    const focused = neighbourhood(topology, `netns:${last.netnsId}`);
    const lit = tracedPath(snapshot, focused, options, trace);
    expect(lit.nodeIds.size).toBeGreaterThan(0);
    const shown = new Set(focused.nodes.map((n) => n.id));
    for (const id of lit.nodeIds) expect(shown.has(id), id).toBe(true);
    expect(lit.nodeIds.has(`netns:${trace.query.from}`)).toBe(shown.has(`netns:${trace.query.from}`));
  });

  it("puts the trace in the topology's URL as the trace panel's parameters, with its source namespace", () => {
    const search = new URLSearchParams(topologyTraceSearch({ from: "4026532000", to: "10.0.0.2", proto: "tcp", dport: 443 }));
    expect(Object.fromEntries(search)).toEqual({ from: "4026532000", trace: "10.0.0.2", proto: "tcp", dport: "443" });
  });
});
