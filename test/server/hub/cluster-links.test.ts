import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { snapshotOverviewSchema, type Address, type Route } from "../../../server/contract/snapshot";
import { clusterLinks, type HostInterface, type NodeFacts } from "../../../server/hub/cluster-links";

const overviews = z
  .object({ overviews: z.array(snapshotOverviewSchema) })
  .parse(JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "fixtures/cluster-overviews.json"), "utf8"))).overviews;

function addr(address: string, prefixLength = 24): Address {
  return { family: address.includes(":") ? "inet6" : "inet", address, prefixLength, scope: "universe" };
}

function iface(ifindex: number, name: string, addresses: string[], extra: Partial<HostInterface> = {}): HostInterface {
  return { ifindex, name, kind: "device", addresses: addresses.map((a) => addr(a)), ...extra };
}

function route(destination: string, gateway: string | undefined, outIfindex: number, extra: Partial<Route> = {}): Route {
  return { family: "inet", table: 254, type: "unicast", protocol: "static", scope: "universe", destination, gateway, outIfindex, isMultipath: false, ...extra };
}

/** Two nodes as flannel's host-gw and vxlan back ends would leave them, and a third with docker0 like everyone. */
function nodes(): NodeFacts[] {
  const node = (n: number, more: HostInterface[] = [], routes?: Route[]): NodeFacts => ({
    name: `node-${n}`,
    interfaces: [
      iface(1, "lo", ["127.0.0.1", "::1"], { kind: "loopback" }),
      iface(2, "eth0", [`10.0.0.${n}`, `fe80::${n}`]),
      iface(3, "docker0", ["172.17.0.1"], { kind: "bridge" }),
      ...more,
    ],
    routes,
  });
  return [
    node(
      1,
      [iface(7, "vx-a", [], { kind: "vxlan", vxlan: { id: 42, remote: "10.0.0.2", port: 4789 } })],
      [route("10.244.2.0/24", "10.0.0.2", 2), route("10.96.0.0/12", "10.0.0.2", 2), route("default", "10.0.0.254", 2)],
    ),
    node(
      2,
      [iface(7, "vx-b", [], { kind: "vxlan", vxlan: { id: 42, remote: "10.0.0.1", port: 4789 } })],
      [route("10.244.1.0/24", "10.0.0.1", 2, { table: 100 })],
    ),
    node(
      3,
      [
        iface(8, "vx-m", [], { kind: "vxlan", vxlan: { id: 9, remote: "239.1.1.1" } }),
        iface(9, "vx-self", [], { kind: "vxlan", vxlan: { id: 3, remote: "10.0.0.3" } }),
      ],
      [route("172.18.0.0/16", "172.17.0.1", 3)],
    ),
  ];
}

describe("clusterLinks", () => {
  it("draws a vxlan link from a device's remote to the node holding that address", () => {
    const { links } = clusterLinks(nodes());
    expect(links.filter((l) => l.kind === "vxlan")).toEqual([
      {
        kind: "vxlan",
        from: { node: "node-1", iface: "vx-a" },
        to: { node: "node-2", iface: "eth0" },
        via: "vxlan-remote",
        address: "10.0.0.2",
        detail: "VNI 42 to 10.0.0.2:4789",
      },
      {
        kind: "vxlan",
        from: { node: "node-2", iface: "vx-b" },
        to: { node: "node-1", iface: "eth0" },
        via: "vxlan-remote",
        address: "10.0.0.1",
        detail: "VNI 42 to 10.0.0.1:4789",
      },
    ]);
  });

  it("draws one host-gw link per device and gateway, from main-table unicast routes only", () => {
    const { links } = clusterLinks(nodes());
    expect(links.filter((l) => l.kind === "route")).toEqual([
      {
        kind: "route",
        from: { node: "node-1", iface: "eth0" },
        to: { node: "node-2", iface: "eth0" },
        via: "route",
        address: "10.0.0.2",
        detail: "10.244.2.0/24, 10.96.0.0/12 via 10.0.0.2",
      },
    ]);
  });

  it("names no node for an address several nodes hold, for multicast groups and for a node's own address, and says so", () => {
    const { links, notes } = clusterLinks(nodes());
    expect(links.some((l) => l.from.node === "node-3")).toBe(false);
    expect(notes).toEqual([
      "vx-m on node-3 floods to multicast group 239.1.1.1: its peers are not listed",
      "172.17.0.1 is held by several nodes (node-1, node-2): no link is drawn to it",
    ]);
  });

  const flood = (dst: string) => ({ mac: "00:00:00:00:00:00", dst, isStatic: true });

  it("uses the vxlan's FDB destinations (interface.vxlan.fdb)", () => {
    const facts = nodes();
    const withFdb = {
      kind: "vxlan",
      vxlan: { id: 42, port: 4789, fdb: [flood("10.0.0.1"), flood("10.0.0.3"), { mac: "0a:00:00:00:00:03", dst: "10.0.0.3", isStatic: false }] },
    };
    facts[1] = { name: "node-2", interfaces: [...(facts[1]?.interfaces ?? []).filter((i) => i.name !== "vx-b"), { ...iface(7, "vxlan0", []), ...withFdb }] };
    const vxlan = clusterLinks(facts).links.filter((l) => l.from.node === "node-2");
    expect(vxlan.map((l) => [l.via, l.to.node, l.to.iface, l.detail])).toEqual([
      ["vxlan-fdb", "node-1", "eth0", "VNI 42 to 10.0.0.1:4789"],
      ["vxlan-fdb", "node-3", "eth0", "VNI 42 to 10.0.0.3:4789"],
    ]);
  });

  it("has no routes to work with when a node's could not be read", () => {
    const facts = nodes().map((n) => ({ ...n, routes: undefined }));
    expect(clusterLinks(facts).links.every((l) => l.kind === "vxlan")).toBe(true);
  });

  it("on the simulated cluster: a link from each vxlan0 to every node whose address its FDB floods to, and no note", () => {
    const facts = overviews.map((o) => ({ name: o.node.name, interfaces: o.netns.find((n) => n.isHost)?.interfaces ?? [], routes: [] }));
    const { links, notes } = clusterLinks(facts);
    const floods = facts.flatMap((f) =>
      f.interfaces.flatMap((i) => (i.vxlan?.fdb ?? []).filter((e) => e.mac === "00:00:00:00:00:00").map((e) => `${f.name} ${i.name} → ${e.dst ?? "?"}`)),
    );
    expect(floods.length).toBeGreaterThan(0);
    expect(links.map((l) => `${l.from.node} ${l.from.iface} → ${l.address}`).sort()).toEqual(floods.sort());
    for (const l of links) expect([l.via, l.to.iface, l.to.node === l.from.node]).toEqual(["vxlan-fdb", "eth0", false]);
    expect(notes).toEqual([]);
  });
});
