/** The hub's naming of where a trace leaves to (server/hub/trace-proxy.ts withExitNode), over the recorded overviews of the simulated cluster. */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { snapshotOverviewSchema } from "../../../server/contract/snapshot";
import type { TraceResult } from "../../../server/contract/trace";
import { hostAddresses, withExitNode } from "../../../server/hub/trace-proxy";

const recorded = z
  .object({ overviews: z.array(snapshotOverviewSchema) })
  .parse(JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "fixtures/cluster-overviews.json"), "utf8")))
  .overviews.map((overview) => ({ name: overview.node.name, overview }));

/** The address of a node's own eth0, and of the first pod on it, as the fixture recorded them. */
function addressesOf(node: string): { vtep: string; pod: string } {
  const overview = recorded.find((n) => n.name === node)?.overview;
  const host = overview?.netns.find((n) => n.isHost);
  const vtep = host?.interfaces.find((i) => i.name === "eth0")?.addresses[0]?.address.split("/")[0];
  const pod = overview?.netns.find((n) => !n.isHost && n.interfaces.some((i) => i.name === "eth0" && i.addresses.length > 0));
  const podIp = pod?.interfaces.find((i) => i.name === "eth0")?.addresses[0]?.address.split("/")[0];
  if (vtep === undefined || podIp === undefined) throw new Error(`${node} has no eth0 address or no addressed pod in the fixture`);
  return { vtep, pod: podIp };
}

const flooded = (to: string, floodedTo: string[]): TraceResult => ({
  query: { from: "4026532000", to },
  verdict: "leaves-node",
  hops: [],
  detail: "leaves the node through vxlan vxlan0 (VNI 42) in host, flooded to VTEPs",
  exit: { kind: "vxlan", netnsId: "4026531840", interface: "vxlan0", vni: 42, floodedTo },
  warnings: [],
  netfilter: "not evaluated",
  snapshotId: "s1",
  tracedAt: "2026-12-05T00:00:00.000Z",
});

describe("the hub names where a flooded vxlan trace goes", () => {
  const owners = hostAddresses(recorded);
  const destinations = hostAddresses(recorded, "any");

  it("picks the VTEP of the node holding the destination out of the flood", () => {
    expect(recorded.length).toBeGreaterThanOrEqual(3);
    const [, second, third] = recorded.map((n) => n.name);
    if (second === undefined || third === undefined) throw new Error("the fixture has fewer than three nodes");
    const to = addressesOf(third).pod;
    const result = withExitNode(flooded(to, [addressesOf(second).vtep, addressesOf(third).vtep]), recorded[0]?.name ?? "", owners, destinations);
    expect(result.exit).toMatchObject({ remote: addressesOf(third).vtep, node: third });
    expect(result.detail).toContain(`the hub finds ${to} on node ${third}, whose VTEP is ${addressesOf(third).vtep}`);
    expect(result.warnings).toEqual([]);
  });

  it("warns when no VTEP of the flood belongs to the destination's node, and names no remote", () => {
    const [, second, third] = recorded.map((n) => n.name);
    if (second === undefined || third === undefined) throw new Error("the fixture has fewer than three nodes");
    const to = addressesOf(third).pod;
    const result = withExitNode(flooded(to, [addressesOf(second).vtep]), recorded[0]?.name ?? "", owners, destinations);
    expect(result.exit?.remote).toBeUndefined();
    expect(result.warnings).toEqual([`the hub finds ${to} on node ${third}, whose VTEP is not among those flooded to: no node of the flood holds it`]);
  });
});
