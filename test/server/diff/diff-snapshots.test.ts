import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../../server/contract/snapshot";
import { diffSnapshots } from "../../../server/diff/diff-snapshots";
import { labSnapshot } from "../../fixtures/lab-snapshot";

// The recorded lab snapshot, and copies of it changed the way the node changes.
const before = labSnapshot();
const later = (change: (s: Snapshot) => Snapshot): Snapshot =>
  change({ ...before, id: "later", takenAt: new Date(Date.parse(before.takenAt) + 10_000).toISOString() });
const container = before.netns.find((n) => !n.isHost && n.owners.some((o) => o.kind === "docker-container") && n.interfaces.some((i) => i.name === "eth0"));
if (container === undefined) throw new Error("the fixture has no container with eth0");

const editContainer = (s: Snapshot, edit: (n: Snapshot["netns"][number]) => Snapshot["netns"][number]): Snapshot => ({
  ...s,
  netns: s.netns.map((n) => (n.id === container.id ? edit(n) : n)),
});
const editEth0 = (s: Snapshot, edit: (i: Snapshot["netns"][number]["interfaces"][number]) => Snapshot["netns"][number]["interfaces"][number]) =>
  editContainer(s, (n) => ({ ...n, interfaces: n.interfaces.map((i) => (i.name === "eth0" ? edit(i) : i)) }));

describe("diffSnapshots", () => {
  it("finds nothing between a snapshot and itself", () => {
    const diff = diffSnapshots(before, before);
    expect(diff.changes).toEqual([]);
    expect(diff.counters).toEqual([]);
  });

  it("names a namespace that vanished and one that appeared", () => {
    const gone = later((s) => ({ ...s, netns: s.netns.filter((n) => n.id !== container.id) }));
    expect(diffSnapshots(before, gone).changes.map((c) => [c.kind, c.netnsId])).toEqual([["netns-vanished", container.id]]);
    expect(diffSnapshots(gone, before).changes.map((c) => [c.kind, c.netnsId])).toEqual([["netns-appeared", container.id]]);
  });

  it("treats a reused inode with other owners as one namespace gone and another come", () => {
    const reused = later((s) =>
      editContainer(s, (n) => ({
        ...n,
        owners: n.owners.map((o) => (o.kind === "docker-container" ? { ...o, id: `${o.id.slice(0, -4)}beef`, name: "someone-else" } : o)),
      })),
    );
    expect(diffSnapshots(before, reused).changes.map((c) => c.kind)).toEqual(["netns-vanished", "netns-appeared"]);
  });

  it("names an interface going down, an MTU change, an address change and route changes", () => {
    const changed = later((s) => {
      const down = editEth0(s, (i) => ({ ...i, isUp: false, operState: "down", mtu: 1400, addresses: i.addresses.slice(1) }));
      return editContainer(down, (n) => ({ ...n, routes: n.routes.slice(1) }));
    });
    const kinds = diffSnapshots(before, changed).changes.map((c) => `${c.kind} ${c.ifaceName ?? ""}`.trim());
    expect(kinds).toContain("iface-state eth0");
    expect(kinds).toContain("mtu eth0");
    expect(kinds.filter((k) => k === "address-removed eth0")).toHaveLength(1);
    expect(kinds.some((k) => k.startsWith("route-removed"))).toBe(true);
  });

  it("reports counter deltas and rates, losing ones first", () => {
    const busy = later((s) =>
      editEth0(s, (i) => (i.stats ? { ...i, stats: { ...i.stats, rxBytes: i.stats.rxBytes + 5000, txDropped: i.stats.txDropped + 7 } } : i)),
    );
    const diff = diffSnapshots(before, busy);
    expect(diff.elapsedMs).toBe(10_000);
    expect(diff.counters[0]).toMatchObject({
      netnsId: container.id,
      ifaceName: "eth0",
      isLosing: true,
      delta: { rxBytes: 5000, txDropped: 7 },
      perSecond: { rxBytes: 500, txDropped: 0.7 },
    });
  });

  it("compares listeners only when both snapshots carry them", () => {
    const withListeners = (s: Snapshot, port: number): Snapshot => ({
      ...s,
      netns: s.netns.map((n) => ({
        ...n,
        listeners: n.id === container.id ? [{ protocol: "tcp", family: "inet", address: "0.0.0.0", port, processes: [] }] : [],
      })),
    });
    expect(
      diffSnapshots(
        before,
        later((s) => withListeners(s, 80)),
      ).hasListeners,
    ).toBe(false);
    const diff = diffSnapshots(
      withListeners(before, 80),
      later((s) => withListeners(s, 8080)),
    );
    expect(diff.changes.map((c) => `${c.kind} ${c.before ?? c.after}`)).toEqual(["listener-opened tcp 0.0.0.0:8080", "listener-closed tcp 0.0.0.0:80"]);
  });
});
