import { accessSync, constants, mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { ClusterSnapshot } from "../contract/cluster";
import type { StoredSnapshot } from "../contract/history";
import type { Snapshot } from "../contract/snapshot";
import { compress, decodeSnapshot, splitSnapshot, type SplitSnapshot } from "./encode-snapshot";
import { insertCluster, selectClusters } from "./cluster-rows";
import { MIGRATIONS } from "./schema";
import { errorFields, logger } from "../log/logger";

export type SnapshotOrigin = StoredSnapshot["origin"];

export interface ExposureRecord {
  name: string;
  netnsId: string;
  target: string;
  createdAt: number;
  who: string;
}

export interface StoreLimits {
  /** Recorded snapshots older than this are removed. */
  maxAgeMs: number;
  /** Above this many stored bytes the oldest snapshots go, recorded ones first. */
  maxBytes: number;
}

interface SnapshotRow {
  id: string;
  taken_at: number;
  origin: SnapshotOrigin;
  hostname: string;
  netns_count: number;
  anomaly_count: number;
  stored_bytes: number;
}

const toStored = (r: SnapshotRow): StoredSnapshot => ({
  id: r.id,
  takenAt: new Date(r.taken_at).toISOString(),
  origin: r.origin,
  hostname: r.hostname,
  netnsCount: r.netns_count,
  anomalyCount: r.anomaly_count,
  storedBytes: r.stored_bytes,
});

/** The store's file in a data directory. */
export function storeFile(dataDir: string): string {
  return path.join(dataDir, "nsatlas.db");
}

/**
 * The history: snapshots in one SQLite file (WAL). Each write is one transaction, so a crash or a
 * kill mid-write leaves the previous complete state. Namespace bodies are shared between snapshots.
 */
export class SnapshotStore {
  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {}

  static open(dataDir: string): SnapshotStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = storeFile(dataDir);
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      migrate(db);
    } catch (err) {
      db?.close();
      throw new Error(`${err instanceof Error ? err.message : String(err)}${whyNotWritable(dataDir)}`);
    }
    return new SnapshotStore(db, file);
  }

  /** Stores a snapshot; storing an id that is already there changes nothing and returns the stored entry. */
  put(snapshot: Snapshot, origin: SnapshotOrigin): StoredSnapshot {
    return this.write(snapshot, splitSnapshot(snapshot), origin);
  }

  /** Stores a snapshot unless the network is the same as in the newest one this node took (recorded or frozen). */
  record(snapshot: Snapshot): StoredSnapshot | undefined {
    const split = splitSnapshot(snapshot);
    return split.fingerprint === this.latestOwnFingerprint() ? undefined : this.write(snapshot, split, "recorded");
  }

  private write(snapshot: Snapshot, split: SplitSnapshot, origin: SnapshotOrigin): StoredSnapshot {
    const existing = this.entry(snapshot.id);
    if (existing !== undefined) return existing;
    const findBody = this.db.prepare<[Buffer], { id: number }>("SELECT id FROM netns_body WHERE hash = ?");
    const insertBody = this.db.prepare("INSERT INTO netns_body (hash, body, bytes) VALUES (?, ?, ?)");
    const header = compress(split.header);
    this.db.transaction(() => {
      const ids = new Uint32Array(split.bodies.length);
      let added = header.length + ids.byteLength;
      split.bodies.forEach((b, position) => {
        const hash = Buffer.from(b.hash, "hex");
        // Most namespaces are unchanged since the last snapshot: only new bodies are compressed and written.
        const found = findBody.get(hash);
        if (found !== undefined) {
          ids[position] = found.id;
          return;
        }
        const body = compress(b.json);
        ids[position] = Number(insertBody.run(hash, body, body.length).lastInsertRowid);
        added += body.length;
      });
      this.db
        .prepare(
          `INSERT INTO snapshot (id, taken_at, origin, hostname, fingerprint, netns_count, anomaly_count, stored_bytes, header, bodies)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          snapshot.id,
          Date.parse(snapshot.takenAt),
          origin,
          snapshot.node.hostname,
          split.fingerprint,
          snapshot.netns.length,
          snapshot.anomalies.length,
          added,
          header,
          bodyList(ids),
        );
    })();
    const stored = this.entry(snapshot.id);
    if (stored === undefined) throw new Error(`snapshot ${snapshot.id} was written but cannot be read back`);
    return stored;
  }

  /** Stores a hub's frozen cluster snapshot and the node snapshots it names (frozen), in one transaction. */
  putCluster(record: ClusterSnapshot, snapshots: readonly Snapshot[]): void {
    this.db.transaction(() => {
      for (const s of snapshots) this.put(s, "frozen");
      insertCluster(this.db, record);
    })();
  }

  cluster(id: string): ClusterSnapshot | undefined {
    return selectClusters(this.db, id)[0];
  }

  /** Every frozen cluster snapshot, newest first. */
  clusters(): ClusterSnapshot[] {
    return selectClusters(this.db);
  }

  get(id: string): Snapshot | undefined {
    const row = this.db.prepare<[string], { header: Buffer; bodies: Buffer }>("SELECT header, bodies FROM snapshot WHERE id = ?").get(id);
    if (row === undefined) return undefined;
    const body = this.db.prepare<[number], { body: Buffer }>("SELECT body FROM netns_body WHERE id = ?");
    const bodies = bodyIds(row.bodies).map((bodyId) => {
      const found = body.get(bodyId);
      if (found === undefined) throw new StoredDataError(`snapshot ${id} names namespace body ${bodyId}, which is not stored`);
      return found.body;
    });
    try {
      return decodeSnapshot(row.header, bodies);
    } catch (err) {
      throw new StoredDataError(`snapshot ${id} is damaged in the store: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  entry(id: string): StoredSnapshot | undefined {
    const row = this.db.prepare<[string], SnapshotRow>(`SELECT ${ENTRY_COLUMNS} FROM snapshot WHERE id = ?`).get(id);
    return row === undefined ? undefined : toStored(row);
  }

  /** Every stored snapshot, oldest first. */
  list(): StoredSnapshot[] {
    return this.db.prepare<[], SnapshotRow>(`SELECT ${ENTRY_COLUMNS} FROM snapshot ORDER BY taken_at, id`).all().map(toStored);
  }

  /** The fingerprint of the newest snapshot this node took (recorded or frozen), to skip recording an unchanged node. */
  latestOwnFingerprint(): string | undefined {
    return this.db.prepare<[], { fingerprint: string }>("SELECT fingerprint FROM snapshot WHERE origin != 'imported' ORDER BY taken_at DESC LIMIT 1").get()
      ?.fingerprint;
  }

  fingerprintOf(snapshot: Snapshot): string {
    return splitSnapshot(snapshot).fingerprint;
  }

  totalBytes(): number {
    const row = this.db
      .prepare<[], { bytes: number }>(
        "SELECT (SELECT COALESCE(SUM(length(header) + length(bodies)), 0) FROM snapshot) + (SELECT COALESCE(SUM(bytes), 0) FROM netns_body) AS bytes",
      )
      .get();
    return row?.bytes ?? 0;
  }

  /**
   * Removes recorded snapshots older than maxAgeMs, then the oldest snapshots (recorded before frozen
   * or imported) until the store fits maxBytes; the newest snapshot always stays. Returns how many went.
   */
  enforce(limits: StoreLimits, now = Date.now()): number {
    let removed = 0;
    this.db.transaction(() => {
      const newest = "(SELECT id FROM snapshot ORDER BY taken_at DESC LIMIT 1)";
      removed += this.db.prepare(`DELETE FROM snapshot WHERE origin = 'recorded' AND taken_at < ? AND id != ${newest}`).run(now - limits.maxAgeMs).changes;
      if (removed > 0) this.sweepBodies();
      let total = this.totalBytes();
      if (total <= limits.maxBytes) return;
      // Over the size limit: count who uses each body, so each removal knows exactly what it frees.
      const rows = this.db
        .prepare<[], { id: string; own: number; bodies: Buffer }>(
          `SELECT id, length(header) + length(bodies) AS own, bodies FROM snapshot WHERE id != ${newest} ORDER BY origin = 'recorded' DESC, taken_at`,
        )
        .all();
      const users = new Map<number, number>();
      for (const row of this.db.prepare<[], { bodies: Buffer }>("SELECT bodies FROM snapshot").iterate())
        for (const id of bodyIds(row.bodies)) users.set(id, (users.get(id) ?? 0) + 1);
      const size = new Map(
        this.db
          .prepare<[], { id: number; bytes: number }>("SELECT id, bytes FROM netns_body")
          .all()
          .map((b) => [b.id, b.bytes]),
      );
      const remove = this.db.prepare("DELETE FROM snapshot WHERE id = ?");
      const removeBody = this.db.prepare("DELETE FROM netns_body WHERE id = ?");
      for (const row of rows) {
        if (total <= limits.maxBytes) break;
        remove.run(row.id);
        removed++;
        total -= row.own;
        for (const id of bodyIds(row.bodies)) {
          const left = (users.get(id) ?? 1) - 1;
          users.set(id, left);
          if (left === 0) {
            removeBody.run(id);
            total -= size.get(id) ?? 0;
          }
        }
      }
    })();
    return removed;
  }

  /** Deletes namespace bodies no stored snapshot names any more (after snapshots were removed). */
  private sweepBodies(): void {
    const referenced = new Set<number>();
    for (const row of this.db.prepare<[], { bodies: Buffer }>("SELECT bodies FROM snapshot").iterate())
      for (const id of bodyIds(row.bodies)) referenced.add(id);
    const remove = this.db.prepare("DELETE FROM netns_body WHERE id = ?");
    for (const { id } of this.db.prepare<[], { id: number }>("SELECT id FROM netns_body").all()) if (!referenced.has(id)) remove.run(id);
  }

  /** Appends to the audit log: every write the agent made to the host, and who asked for it. */
  audit(action: string, who: string, detail: string): void {
    this.db.prepare("INSERT INTO audit (at, action, who, detail) VALUES (?, ?, ?, ?)").run(Date.now(), action, who, detail);
  }

  auditLog(limit = 100): { at: string; action: string; who: string; detail: string }[] {
    return this.db
      .prepare<[number], { at: number; action: string; who: string; detail: string }>("SELECT at, action, who, detail FROM audit ORDER BY id DESC LIMIT ?")
      .all(limit)
      .map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  }

  /** Records a namespace the agent exposed under /run/netns (so that only its own are ever undone). */
  addExposure(e: ExposureRecord): void {
    this.db
      .prepare("INSERT INTO exposure (name, netns_id, target, created_at, who) VALUES (?, ?, ?, ?, ?)")
      .run(e.name, e.netnsId, e.target, e.createdAt, e.who);
  }

  removeExposure(name: string): void {
    this.db.prepare("DELETE FROM exposure WHERE name = ?").run(name);
  }

  exposures(): ExposureRecord[] {
    return this.db
      .prepare<[], { name: string; netns_id: string; target: string; created_at: number; who: string }>(
        "SELECT name, netns_id, target, created_at, who FROM exposure ORDER BY name",
      )
      .all()
      .map((r) => ({ name: r.name, netnsId: r.netns_id, target: r.target, createdAt: r.created_at, who: r.who }));
  }

  /** Moves the write-ahead log into the database file (for measuring the file; SQLite also does it on its own). */
  checkpoint(): void {
    this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  /** Runs SQLite's own consistency check ("ok" when the file is sound). */
  integrity(): string {
    return this.db.pragma("integrity_check", { simple: true }) as string;
  }

  /** Closes the database with its write-ahead log moved into the file (a stopped agent leaves one file behind). */
  close(): void {
    try {
      this.checkpoint();
    } catch (err) {
      // A full or read-only disk: the log stays beside the file and SQLite replays it on the next open.
      logger().warn({ err: errorFields(err) }, "the store's write-ahead log could not be checkpointed at close");
    }
    this.db.close();
  }
}

/** An error of the store itself (SQLite, or a stored row that no longer decodes), not of the caller's work. */
export function isStoreFailure(err: unknown): boolean {
  return err instanceof Database.SqliteError || err instanceof StoredDataError;
}

/** A stored row that does not decode: the file was damaged or written by something else. */
class StoredDataError extends Error {}

/** SQLite says only "unable to open database file": ask the file system why. */
function whyNotWritable(dir: string): string {
  try {
    accessSync(dir, constants.W_OK);
    return "";
  } catch (err) {
    const code = err instanceof Error && "code" in err ? String(err.code) : "";
    if (code === "EROFS") return " (the file system is read-only)";
    if (code === "EACCES" || code === "EPERM") return " (no permission to write there)";
    return code === "" ? "" : ` (${code})`;
  }
}

/** A snapshot's namespace bodies: their ids, 4 bytes each, little-endian. */
function bodyList(ids: Uint32Array): Buffer {
  const buffer = Buffer.alloc(ids.length * 4);
  ids.forEach((id, i) => buffer.writeUInt32LE(id, i * 4));
  return buffer;
}

function bodyIds(list: Buffer): number[] {
  return Array.from({ length: list.length / 4 }, (_, i) => list.readUInt32LE(i * 4));
}

const ENTRY_COLUMNS = "id, taken_at, origin, hostname, netns_count, anomaly_count, stored_bytes";

function migrate(db: Database.Database): void {
  const version = db.pragma("user_version", { simple: true });
  const from = typeof version === "number" ? version : 0;
  for (const [index, sql] of MIGRATIONS.entries()) {
    if (index < from) continue;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
}
