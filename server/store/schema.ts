/** The store's schema, one entry per version (PRAGMA user_version counts how many ran). Append only. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE snapshot (
    id            TEXT PRIMARY KEY,
    taken_at      INTEGER NOT NULL,            -- ms since the epoch
    origin        TEXT NOT NULL CHECK (origin IN ('recorded', 'frozen', 'imported')),
    hostname      TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,               -- changes only when the network does
    netns_count   INTEGER NOT NULL,
    anomaly_count INTEGER NOT NULL,
    stored_bytes  INTEGER NOT NULL,            -- header + body list + namespace bodies this snapshot added
    header        BLOB NOT NULL,               -- deflated JSON: counters, refs, runtimes, anomalies, timings
    bodies        BLOB NOT NULL                -- netns_body ids in namespace order, 4 bytes each (little-endian)
  );
  CREATE INDEX snapshot_by_time ON snapshot (taken_at);
  CREATE TABLE netns_body (
    id    INTEGER PRIMARY KEY,
    hash  BLOB NOT NULL UNIQUE,                -- sha256 of the body's JSON
    bytes INTEGER NOT NULL,                    -- before the blob: summing it never reads the blobs
    body  BLOB NOT NULL                        -- deflated JSON: one namespace without counters and refs
  );
  CREATE TABLE audit (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     INTEGER NOT NULL,
    action TEXT NOT NULL,
    who    TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE TABLE exposure (
    name       TEXT PRIMARY KEY,               -- the name under /run/netns
    netns_id   TEXT NOT NULL,
    target     TEXT NOT NULL,                  -- what was exposed: "container web", "pod shop/cart-0"
    created_at INTEGER NOT NULL,
    who        TEXT NOT NULL
  );
  `,
  // A hub's frozen cluster snapshots: one row per freeze, one per known node (its stored snapshot, or why it is missing).
  // No foreign key to snapshot: the store's size limit may remove a node's snapshot, and its reads then say so.
  `
  CREATE TABLE cluster_snapshot (
    id       TEXT PRIMARY KEY,
    taken_at INTEGER NOT NULL,                 -- ms since the epoch
    who      TEXT NOT NULL
  );
  CREATE INDEX cluster_snapshot_by_time ON cluster_snapshot (taken_at);
  CREATE TABLE cluster_snapshot_node (
    cluster_id  TEXT NOT NULL REFERENCES cluster_snapshot (id) ON DELETE CASCADE,
    node        TEXT NOT NULL,
    snapshot_id TEXT,                          -- the node's snapshot in table snapshot; NULL when it is missing
    netns_count INTEGER,
    reason      TEXT,                          -- why it is missing; NULL when it was read
    PRIMARY KEY (cluster_id, node),
    CHECK ((snapshot_id IS NULL) != (reason IS NULL))
  );
  `,
];
