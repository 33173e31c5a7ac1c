/**
 * The hub's frozen cluster snapshots (docs/hub.md "Frozen cluster snapshots"): a freeze reads every known node's full
 * snapshot (cluster-freeze.ts) and keeps them, with one record naming each node's snapshot or why it is missing, in the
 * hub's own store under NSATLAS_DATA_DIR (the single-node history's store and code: server/store/). The store is
 * opened at the first freeze, or when a store file is already there: a hub that never froze writes nothing.
 */
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import type { ClusterSnapshot, ClusterSnapshotList, MissingNode } from "../contract/cluster";
import type { Snapshot } from "../contract/snapshot";
import { SnapshotHistory, type HistoryConfig } from "../store/snapshot-history";
import { storeFile } from "../store/snapshot-store";
import { FREEZE_LIMITS, readNodes, type FreezeLimits, type FreezeTarget } from "./cluster-freeze";

export type FreezeOutcome = { ok: true; record: ClusterSnapshot } | { ok: false; missing: MissingNode[] };

/** A node's snapshot in a cluster snapshot, or what is missing. */
export type FrozenNode =
  | { kind: "found"; record: ClusterSnapshot; snapshot: Snapshot }
  | { kind: "no-cluster-snapshot" }
  | { kind: "not-in-it"; record: ClusterSnapshot; reason: string | undefined }
  | { kind: "removed"; record: ClusterSnapshot; snapshotId: string };

export interface ClusterSnapshots {
  /** Reads every known node and keeps what came; `ok: false` (nothing stored) when no node could be read. */
  freeze(who: string): Promise<FreezeOutcome>;
  /** Newest first; never throws (an unusable store is said in the answer). */
  list(): ClusterSnapshotList;
  get(id: string): ClusterSnapshot | undefined;
  node(id: string, node: string): FrozenNode;
  close(): void;
}

export function createClusterSnapshots(config: HistoryConfig, targets: () => FreezeTarget[], limits: FreezeLimits = FREEZE_LIMITS): ClusterSnapshots {
  const history = new SnapshotHistory(config, {
    snapshotWithListeners: () => Promise.reject(new Error("a hub takes no snapshot of its own: it freezes its nodes' snapshots")),
  });
  let isOpened = false;
  /** Reads never create the store. */
  const exists = () => isOpened || existsSync(storeFile(config.dataDir));

  function get(id: string): ClusterSnapshot | undefined {
    return exists() ? history.use((store) => store.cluster(id)) : undefined;
  }

  return {
    async freeze(who) {
      const takenAt = Date.now();
      const { taken, missing } = await readNodes(targets(), limits);
      if (taken.length === 0) return { ok: false, missing };
      const record: ClusterSnapshot = {
        id: `${takenAt}-${randomBytes(4).toString("hex")}`,
        takenAt: new Date(takenAt).toISOString(),
        who,
        nodes: taken.map((t) => ({ name: t.name, snapshotId: t.snapshot.id, netnsCount: t.snapshot.netns.length })).sort((a, b) => (a.name < b.name ? -1 : 1)),
        missing: missing.sort((a, b) => (a.name < b.name ? -1 : 1)),
        partial: missing.length > 0,
      };
      history.use((store) => {
        store.putCluster(
          record,
          taken.map((t) => t.snapshot),
        );
        store.enforce({ maxAgeMs: config.historyMaxAgeMs, maxBytes: config.historyMaxBytes });
      });
      isOpened = true;
      const missed = missing.length === 0 ? "" : `; missing ${missing.map((m) => m.name).join(", ")}`;
      history.audit("freeze", who, `cluster snapshot ${record.id}: ${record.nodes.map((n) => `${n.name} ${n.snapshotId}`).join(", ")}${missed}`);
      return { ok: true, record };
    },
    list() {
      try {
        return { snapshots: exists() ? history.use((store) => store.clusters()) : [], isAvailable: true };
      } catch (err) {
        // By name, as answer() matches it: the class may come from another bundle.
        if (!(err instanceof Error) || err.name !== "HistoryUnavailableError") throw err;
        return { snapshots: [], isAvailable: false, error: err.message };
      }
    },
    get,
    node(id, node) {
      const record = get(id);
      if (record === undefined) return { kind: "no-cluster-snapshot" };
      const read = record.nodes.find((n) => n.name === node);
      if (read === undefined) return { kind: "not-in-it", record, reason: record.missing.find((m) => m.name === node)?.reason };
      const snapshot = history.get(read.snapshotId);
      return snapshot === undefined ? { kind: "removed", record, snapshotId: read.snapshotId } : { kind: "found", record, snapshot };
    },
    close() {
      history.close();
    },
  };
}
