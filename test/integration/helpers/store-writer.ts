/**
 * Writes snapshots into a store as fast as it can until killed, printing each id once its write
 * committed. Every write carries new counters, and every other one a changed namespace body, so a
 * kill lands inside multi-row transactions. Usage: tsx store-writer.ts <dataDir>
 */
import { SnapshotStore } from "../../../server/store/snapshot-store";
import { labSnapshot } from "../../fixtures/lab-snapshot";

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error("usage: store-writer.ts <dataDir>");
const fixture = labSnapshot();
const store = SnapshotStore.open(dataDir);
for (let i = 0; ; i++) {
  const id = `${Date.now()}-${process.pid}-${i}`;
  const netns = fixture.netns.map((n, k) => ({
    ...n,
    interfaces: n.interfaces.map((iface) => ({
      ...iface,
      mtu: k % 2 === i % 2 ? iface.mtu : iface.mtu + (i % 100),
      stats: iface.stats === undefined ? undefined : { ...iface.stats, rxBytes: iface.stats.rxBytes + i },
    })),
  }));
  store.put({ ...fixture, id, takenAt: new Date().toISOString(), netns }, "recorded");
  process.stdout.write(`${id}\n`);
}
