/** L2 segments (server/anomalies/l2-segments.ts) over the recorded lab: veth ends, bridges and their ports, and a bridge that is missing. */
import { describe, expect, it } from "vitest";
import { InterfaceIndex } from "../../../server/anomalies/interface-index";
import { l2Segments } from "../../../server/anomalies/l2-segments";
import { labSnapshot } from "../../fixtures/lab-snapshot";

const snapshot = labSnapshot();

describe("l2Segments", () => {
  it("puts both ends of every veth in one segment, and a bridge with its ports", () => {
    const index = new InterfaceIndex(snapshot.netns);
    const segmentOf = l2Segments(index);
    const veths = index.all.filter((at) => at.iface.peer !== undefined);
    const ports = index.all.filter((at) => at.iface.masterIfindex !== undefined);
    expect(veths.length).toBeGreaterThan(0);
    expect(ports.length).toBeGreaterThan(0);
    for (const at of veths) {
      const peer = at.iface.peer && index.get(at.iface.peer.netnsId, at.iface.peer.ifindex);
      if (peer !== undefined) expect(segmentOf(peer.slot), at.iface.name).toBe(segmentOf(at.slot));
    }
    for (const at of ports) {
      const bridge = at.iface.masterIfindex === undefined ? undefined : index.get(at.netns.id, at.iface.masterIfindex);
      expect(bridge, at.iface.name).toBeDefined();
      if (bridge !== undefined) expect(segmentOf(bridge.slot), at.iface.name).toBe(segmentOf(at.slot));
    }
    // Not everything is one segment: the host's loopback is on its own.
    const lo = index.all.find((at) => at.netns.isHost && at.iface.kind === "loopback");
    expect(lo).toBeDefined();
    if (lo !== undefined) expect(index.all.filter((at) => segmentOf(at.slot) === segmentOf(lo.slot))).toHaveLength(1);
  });

  it("still joins the ports of a bridge the snapshot does not hold", () => {
    const withoutBridges = { netns: snapshot.netns.map((n) => ({ ...n, interfaces: n.interfaces.filter((i) => i.kind !== "bridge") })) };
    const index = new InterfaceIndex(withoutBridges.netns);
    const segmentOf = l2Segments(index);
    const byBridge = new Map<string, number[]>();
    for (const at of index.all) {
      if (at.iface.masterIfindex === undefined) continue;
      const key = `${at.netns.id}/${at.iface.masterIfindex}`;
      byBridge.set(key, [...(byBridge.get(key) ?? []), segmentOf(at.slot)]);
    }
    const shared = [...byBridge.values()].filter((segments) => segments.length > 1);
    expect(shared.length).toBeGreaterThan(0);
    for (const segments of shared) expect(new Set(segments).size).toBe(1);
  });
});
