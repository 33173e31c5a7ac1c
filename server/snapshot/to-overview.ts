import type { Snapshot, SnapshotOverview } from "../contract/snapshot";

/** A snapshot without routes and counters (see snapshotOverviewSchema): new objects, the memoised snapshot untouched. */
export function toOverview(snapshot: Snapshot): SnapshotOverview {
  return {
    ...snapshot,
    netns: snapshot.netns.map(({ routes: _routes, interfaces, ...netns }) => ({
      ...netns,
      interfaces: interfaces.map(({ stats: _stats, ...iface }) => iface),
    })),
  };
}
