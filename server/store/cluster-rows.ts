/** The rows of a hub's frozen cluster snapshots (tables cluster_snapshot and cluster_snapshot_node, schema.ts). */
import type Database from "better-sqlite3";
import type { ClusterSnapshot } from "../contract/cluster";

interface ClusterRow {
  id: string;
  taken_at: number;
  who: string;
}

interface NodeRow {
  cluster_id: string;
  node: string;
  snapshot_id: string | null;
  netns_count: number | null;
  reason: string | null;
}

export function insertCluster(db: Database.Database, record: ClusterSnapshot): void {
  db.prepare("INSERT INTO cluster_snapshot (id, taken_at, who) VALUES (?, ?, ?)").run(record.id, Date.parse(record.takenAt), record.who);
  const node = db.prepare("INSERT INTO cluster_snapshot_node (cluster_id, node, snapshot_id, netns_count, reason) VALUES (?, ?, ?, ?, ?)");
  for (const n of record.nodes) node.run(record.id, n.name, n.snapshotId, n.netnsCount, null);
  for (const m of record.missing) node.run(record.id, m.name, null, null, m.reason);
}

/** The cluster snapshots with `id`, or all of them when `id` is undefined; newest first. */
export function selectClusters(db: Database.Database, id?: string): ClusterSnapshot[] {
  const where = id === undefined ? "" : "WHERE id = ?";
  const params = id === undefined ? [] : [id];
  const rows = db.prepare<unknown[], ClusterRow>(`SELECT id, taken_at, who FROM cluster_snapshot ${where} ORDER BY taken_at DESC, id DESC`).all(...params);
  if (rows.length === 0) return [];
  const nodes = db
    .prepare<unknown[], NodeRow>(
      `SELECT cluster_id, node, snapshot_id, netns_count, reason FROM cluster_snapshot_node ${id === undefined ? "" : "WHERE cluster_id = ?"} ORDER BY node`,
    )
    .all(...params);
  const byCluster = new Map<string, NodeRow[]>();
  for (const n of nodes) byCluster.set(n.cluster_id, [...(byCluster.get(n.cluster_id) ?? []), n]);
  return rows.map((r) => {
    const own = byCluster.get(r.id) ?? [];
    const missing = own.flatMap((n) => (n.reason === null ? [] : [{ name: n.node, reason: n.reason }]));
    return {
      id: r.id,
      takenAt: new Date(r.taken_at).toISOString(),
      who: r.who,
      nodes: own.flatMap((n) => (n.snapshot_id === null ? [] : [{ name: n.node, snapshotId: n.snapshot_id, netnsCount: n.netns_count ?? 0 }])),
      missing,
      partial: missing.length > 0,
    };
  });
}
