/**
 * The store's second migration (schema.ts): a hub's frozen cluster snapshots. A store written by the first schema opens,
 * migrates and keeps its snapshots; a cluster record and the node snapshots it names are written in one transaction and
 * read back; a node row is either a snapshot or a reason, never both or neither.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ClusterSnapshot } from "../../../server/contract/cluster";
import { MIGRATIONS } from "../../../server/store/schema";
import { SnapshotStore, storeFile } from "../../../server/store/snapshot-store";
import { labSnapshot } from "../../fixtures/lab-snapshot";

/** Raw SQL on the store's file with the sqlite3 shell (only server/store/ opens the database from code). */
const sql = (dir: string, statements: string) => execFileSync("sqlite3", [storeFile(dir), statements], { encoding: "utf8" }).trim();

let dir: string;
const base = labSnapshot();
const onNode = (name: string, id: string) => ({ ...base, id, node: { ...base.node, name } });

function record(id: string, takenAt: number, nodes: { name: string; snapshotId: string }[], missing: ClusterSnapshot["missing"]): ClusterSnapshot {
  return {
    id,
    takenAt: new Date(takenAt).toISOString(),
    who: "http bearer 10.0.0.9 (unit)",
    nodes: nodes.map((n) => ({ ...n, netnsCount: base.netns.length })),
    missing,
    partial: missing.length > 0,
  };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-cluster-store-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("frozen cluster snapshots in the store", () => {
  it("migrates a store of the first schema and keeps what it held", () => {
    expect(MIGRATIONS.length).toBeGreaterThan(1);
    const first = SnapshotStore.open(dir);
    first.put(base, "frozen");
    first.close();
    // Back to what the first schema left: no cluster tables, user_version 1.
    sql(dir, "DROP TABLE cluster_snapshot_node; DROP TABLE cluster_snapshot; PRAGMA user_version = 1;");

    const store = SnapshotStore.open(dir);
    expect(Number(sql(dir, "PRAGMA user_version;"))).toBe(MIGRATIONS.length);
    expect(store.list().map((s) => s.id)).toEqual([base.id]);
    expect(store.clusters()).toEqual([]);
    store.close();
  });

  it("writes a record with its node snapshots, reads it back newest first, and shares a node snapshot between records", () => {
    const store = SnapshotStore.open(dir);
    const one = onNode("node-1", "1795947746700-00000001");
    const two = onNode("node-2", "1795947746700-00000002");
    const older = record(
      "1795947800000-aaaaaaaa",
      1795947800000,
      [{ name: "node-1", snapshotId: one.id }],
      [{ name: "node-2", reason: "unreachable: connection refused (ECONNREFUSED)" }],
    );
    const newer = record(
      "1795947900000-bbbbbbbb",
      1795947900000,
      [
        { name: "node-1", snapshotId: one.id },
        { name: "node-2", snapshotId: two.id },
      ],
      [],
    );
    store.putCluster(older, [one]);
    store.putCluster(newer, [one, two]);

    expect(store.cluster(older.id)).toEqual(older);
    expect(store.cluster("1795947000000-cccccccc")).toBeUndefined();
    const all = store.clusters();
    expect(all.map((c) => c.id)).toEqual([newer.id, older.id]);
    expect(all[0]).toEqual(newer);
    expect(
      store
        .list()
        .map((s) => s.id)
        .sort(),
    ).toEqual([one.id, two.id]);
    expect(store.list().every((s) => s.origin === "frozen")).toBe(true);
    const read = store.get(two.id);
    expect(read?.node.name).toBe("node-2");
    expect(read?.netns.length).toBe(base.netns.length);
    store.close();
  });

  it("refuses a node row that is both read and missing, and writes nothing of that freeze", () => {
    const store = SnapshotStore.open(dir);
    const one = onNode("node-1", "1795947746700-00000003");
    const bad = record("1795948000000-dddddddd", 1795948000000, [{ name: "node-1", snapshotId: one.id }], [{ name: "node-1", reason: "twice" }]);
    expect(() => store.putCluster(bad, [one])).toThrow(/UNIQUE|PRIMARY/);
    expect(store.clusters()).toEqual([]);
    expect(store.list()).toEqual([]);
    store.close();
    sql(dir, "INSERT INTO cluster_snapshot (id, taken_at, who) VALUES ('x', 0, 'unit');");
    expect(() => sql(dir, "INSERT INTO cluster_snapshot_node (cluster_id, node, snapshot_id, reason) VALUES ('x', 'n', 's', 'r');")).toThrow(/CHECK/);
    expect(() => sql(dir, "INSERT INTO cluster_snapshot_node (cluster_id, node) VALUES ('x', 'n');")).toThrow(/CHECK/);
  });
});
