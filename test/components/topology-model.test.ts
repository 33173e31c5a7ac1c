/** The topology model (pure) on a snapshot recorded from the lab. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildTopology, focusNodeId, neighbourhood } from "../../components/topology/topology-model";
import { topologyToSvg } from "../../components/topology/export-svg";
import { snapshotSchema } from "../../server/contract/snapshot";

const snapshot = snapshotSchema.parse(
  JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../fixtures/snapshot/lab-snapshot.json"), "utf8")).snapshot,
);
const topology = buildTopology(snapshot, { hideLoopback: true });
const ids = new Set(topology.nodes.map((n) => n.id));

describe("topology model", () => {
  it("has a box per namespace and a hub per bridge", () => {
    expect(topology.nodes.filter((n) => n.kind !== "bridge")).toHaveLength(snapshot.netns.length);
    const bridges = snapshot.netns.flatMap((n) => n.interfaces.filter((i) => i.kind === "bridge"));
    expect(topology.nodes.filter((n) => n.kind === "bridge")).toHaveLength(bridges.length);
    expect(topology.nodes.filter((n) => n.kind === "host")).toHaveLength(1);
  });

  it("draws every veth pair once, to the bridge hub when one end is a bridge port, and every wire ends on a node that exists", () => {
    expect(topology.edges.length).toBeGreaterThan(0);
    for (const e of topology.edges) {
      expect(ids.has(e.source), e.id).toBe(true);
      expect(ids.has(e.target), e.id).toBe(true);
      expect(e.source).not.toBe(e.target);
    }
    const veths = snapshot.netns.flatMap((n) => n.interfaces.filter((i) => i.kind === "veth" && i.peer && i.peer.netnsId !== n.id));
    expect(topology.edges.filter((e) => e.kind === "veth" || e.kind === "bridge-port")).toHaveLength(veths.length / 2);
    const toHubs = topology.edges.filter((e) => e.target.startsWith("bridge:") || e.source.startsWith("bridge:"));
    const bridgePorts = snapshot.netns.flatMap((n) =>
      n.interfaces.filter(
        (i) => i.kind === "veth" && i.masterIfindex !== undefined && n.interfaces.find((m) => m.ifindex === i.masterIfindex)?.kind === "bridge",
      ),
    );
    expect(bridgePorts.length).toBeGreaterThan(0);
    expect(toHubs).toHaveLength(bridgePorts.length);
  });

  it("hides loopback unless asked", () => {
    expect(topology.nodes.flatMap((n) => n.ports).some((p) => p.kind === "loopback")).toBe(false);
    expect(
      buildTopology(snapshot, { hideLoopback: false })
        .nodes.flatMap((n) => n.ports)
        .some((p) => p.kind === "loopback"),
    ).toBe(true);
  });

  it("focuses on a pod's neighbourhood: its box, its bridge, not the whole node", () => {
    const pod = snapshot.netns.flatMap((n) => n.owners).find((o) => o.kind === "kubernetes-pod");
    const center = focusNodeId(snapshot, `pod:${pod?.name ?? ""}`);
    expect(center).toBeDefined();
    const small = neighbourhood(topology, center ?? "");
    expect(small.nodes.map((n) => n.id)).toContain(center);
    expect(small.nodes.some((n) => n.kind === "bridge")).toBe(true);
    expect(small.nodes.length).toBeLessThan(topology.nodes.length);
  });

  it("exports a standalone SVG with every node's label, escaped", () => {
    const positions = new Map(topology.nodes.map((n, k) => [n.id, { x: (k % 5) * 260, y: Math.floor(k / 5) * 200, width: 240, height: 80 }]));
    const svg = topologyToSvg(topology, positions, false);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(topology.nodes.length).toBeGreaterThan(1);
    for (const n of topology.nodes) expect(svg).toContain(n.label.replace(/&/g, "&amp;").replace(/</g, "&lt;"));
  });
});
