import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Snapshot } from "../../../server/contract/snapshot";
import { SnapshotStore } from "../../../server/store/snapshot-store";
import { labSnapshot } from "../../fixtures/lab-snapshot";

let dir: string;
let store: SnapshotStore;
const base = labSnapshot();
const at = (ms: number, id: string, change?: (s: Snapshot) => Snapshot): Snapshot => {
  const s = { ...base, id, takenAt: new Date(ms).toISOString() };
  return change ? change(s) : s;
};
/** The same network with every counter moved and other processes holding it. */
const busier = (s: Snapshot): Snapshot => ({
  ...s,
  netns: s.netns.map((n) => ({
    ...n,
    processCount: n.processCount + 3,
    interfaces: n.interfaces.map((i) => (i.stats ? { ...i, stats: { ...i.stats, rxBytes: i.stats.rxBytes + 1000, rxDropped: i.stats.rxDropped + 1 } } : i)),
  })),
});
/** One namespace's MTU changed: a different network. */
const mtuChanged = (s: Snapshot): Snapshot => ({
  ...s,
  netns: s.netns.map((n, k) => (k === 1 ? { ...n, interfaces: n.interfaces.map((i) => ({ ...i, mtu: i.mtu - 100 })) } : n)),
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-store-"));
  store = SnapshotStore.open(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("SnapshotStore", () => {
  it("gives back exactly the snapshot it was given", () => {
    store.put(base, "frozen");
    const back = store.get(base.id);
    expect(isDeepStrictEqual(JSON.parse(JSON.stringify(back)), JSON.parse(JSON.stringify(base)))).toBe(true);
    expect(store.entry(base.id)).toMatchObject({ id: base.id, origin: "frozen", hostname: base.node.hostname, netnsCount: base.netns.length });
  });

  it("stores an unchanged namespace once: a second snapshot of the same network costs only its header", () => {
    const first = store.put(at(1000, "a"), "recorded");
    const second = store.put(at(2000, "b", busier), "recorded");
    expect(second.storedBytes).toBeLessThan(first.storedBytes / 4);
    expect(store.get("b")?.netns[0]?.interfaces.find((i) => i.stats)?.stats?.rxDropped).toBe(
      (base.netns[0]?.interfaces.find((i) => i.stats)?.stats?.rxDropped ?? 0) + 1,
    );
  });

  it("fingerprints the network, not counters or process churn", () => {
    expect(store.fingerprintOf(at(1, "x", busier))).toBe(store.fingerprintOf(base));
    expect(store.fingerprintOf(at(1, "y", mtuChanged))).not.toBe(store.fingerprintOf(base));
    store.put(at(1, "x"), "recorded");
    expect(store.latestOwnFingerprint()).toBe(store.fingerprintOf(base));
  });

  it("stores an id once (an import of a snapshot already here changes nothing)", () => {
    store.put(base, "frozen");
    expect(store.put(base, "imported").origin).toBe("frozen");
    expect(store.list()).toHaveLength(1);
  });

  it("lists oldest first", () => {
    store.put(at(3000, "c"), "recorded");
    store.put(at(1000, "a"), "frozen");
    store.put(at(2000, "b"), "imported");
    expect(store.list().map((s) => s.id)).toEqual(["a", "b", "c"]);
  });

  it("removes recorded snapshots past the age limit, keeps frozen ones and the newest", () => {
    store.put(at(1000, "old-recorded"), "recorded");
    store.put(at(1500, "old-frozen"), "frozen");
    store.put(at(9000, "new"), "recorded");
    const removed = store.enforce({ maxAgeMs: 5000, maxBytes: 1e9 }, 10_000);
    expect(removed).toBe(1);
    expect(store.list().map((s) => s.id)).toEqual(["old-frozen", "new"]);
  });

  it("keeps within the size limit, removing recorded snapshots before frozen ones, and frees their bodies", () => {
    store.put(at(1000, "f"), "frozen");
    store.put(at(2000, "r1", mtuChanged), "recorded");
    store.put(
      at(3000, "r2", (s) => mtuChanged(mtuChanged(s))),
      "recorded",
    );
    const full = store.totalBytes();
    const removed = store.enforce({ maxAgeMs: 1e12, maxBytes: full - 1 }, 4000);
    expect(removed).toBe(1);
    expect(store.list().map((s) => s.id)).toEqual(["f", "r2"]);
    expect(store.totalBytes()).toBeLessThan(full);
    expect(store.get("f")?.netns).toHaveLength(base.netns.length);
  });

  it("never removes the newest snapshot, even over the limits", () => {
    store.put(at(1000, "only"), "recorded");
    expect(store.enforce({ maxAgeMs: 1, maxBytes: 1 }, 1e12)).toBe(0);
    expect(store.list()).toHaveLength(1);
  });

  it("records and forgets exposures, and keeps an audit log newest first", () => {
    store.addExposure({ name: "web", netnsId: "4026532001", target: "container:web", createdAt: 5, who: "me" });
    expect(store.exposures()).toEqual([{ name: "web", netnsId: "4026532001", target: "container:web", createdAt: 5, who: "me" }]);
    store.removeExposure("web");
    expect(store.exposures()).toEqual([]);
    store.audit("freeze", "a", "one");
    store.audit("import", "b", "two");
    expect(store.auditLog().map((e) => e.action)).toEqual(["import", "freeze"]);
  });

  it("reopens an existing file with its contents (migrations run once)", () => {
    store.put(base, "frozen");
    store.close();
    store = SnapshotStore.open(dir);
    expect(store.list().map((s) => s.id)).toEqual([base.id]);
    expect(store.integrity()).toBe("ok");
  });
});
