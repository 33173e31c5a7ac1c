import type { Config } from "../config";
import type { History, StoredSnapshot } from "../contract/history";
import type { Snapshot } from "../contract/snapshot";
import { RecurringFailure } from "../log/failures";
import { audit, errorFields, logger, type AuditAction } from "../log/logger";
import type { SnapshotService } from "../snapshot/snapshot-service";
import { isStoreFailure, SnapshotStore } from "./snapshot-store";

export type HistoryConfig = Pick<Config, "dataDir" | "recordIntervalMs" | "historyMaxAgeMs" | "historyMaxBytes">;

/** The history is unusable (data directory missing, read-only, full, damaged file): said, never thrown at a page. */
export class HistoryUnavailableError extends Error {
  override readonly name = "HistoryUnavailableError";
}

const CACHE_SIZE = 8;
const FIRST_RECORD_DELAY_MS = 3000;
/** The schedule takes a reading up to this old rather than scanning again. */
const REUSE_READING_MS = 10_000;

/**
 * The store plus its schedule: records a snapshot every recordIntervalMs when the network changed,
 * freezes on request, imports files, enforces the bounds. When the data directory cannot be used,
 * every call reports why and the next call tries again (no restart needed once it is fixed).
 */
export class SnapshotHistory {
  private store: SnapshotStore | undefined;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private recording: Promise<StoredSnapshot | undefined> | undefined;
  /** Decoded snapshots by id: a frozen link opened by several people decodes once. */
  private readonly cache = new Map<string, Snapshot>();
  /** How many times the schedule found nothing changed (for tests and reports). */
  skipped = 0;
  /** The schedule's failures and the store's: logged when they start, change or clear, not on every call. */
  private readonly recordFailure = new RecurringFailure("recording the history");
  private readonly storeFailure = new RecurringFailure("the snapshot store");

  constructor(
    private readonly config: HistoryConfig,
    private readonly service: Pick<SnapshotService, "snapshotWithListeners">,
  ) {}

  /** Starts the schedule (no-op when recordIntervalMs is 0). The timer never keeps the process alive. */
  start(): void {
    if (this.timer !== undefined || this.config.recordIntervalMs === 0) return;
    this.timer = setInterval(() => this.recordOnSchedule(), this.config.recordIntervalMs);
    this.timer.unref();
    // The first recording waits a moment, so that it does not compete with the first page served.
    setTimeout(() => this.recordOnSchedule(), FIRST_RECORD_DELAY_MS).unref();
  }

  /** A scheduled recording: nobody awaits it, so its failure is logged here (and the schedule goes on). */
  private recordOnSchedule(): void {
    void this.record().then(
      () => this.recordFailure.succeeded(),
      (err: unknown) => {
        // The store being down is the store's own line (use()); a failed scan or anything else is the schedule's.
        if (err instanceof HistoryUnavailableError) logger().debug({ err: errorFields(err) }, "history not recorded: the store is unavailable");
        else this.recordFailure.failed(err);
      },
    );
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Records the node now unless nothing changed since the newest own snapshot. Concurrent calls share one. */
  record(): Promise<StoredSnapshot | undefined> {
    this.recording ??= this.recordOnce().finally(() => {
      this.recording = undefined;
    });
    return this.recording;
  }

  private async recordOnce(): Promise<StoredSnapshot | undefined> {
    // A reading a dashboard asked for moments ago is as good as a new one: do not scan twice.
    const snapshot = await this.service.snapshotWithListeners({ maxAgeMs: REUSE_READING_MS });
    return this.write((store) => {
      const entry = store.record(snapshot);
      if (entry === undefined) this.skipped++;
      return entry;
    });
  }

  /** Takes a fresh snapshot and keeps it (frozen snapshots outlive the age limit). */
  async freeze(): Promise<StoredSnapshot> {
    const snapshot = await this.service.snapshotWithListeners({ fresh: true });
    return this.write((store) => store.put(snapshot, "frozen"));
  }

  /** Stores a snapshot from a file (already validated); the same id twice is stored once. */
  async import(snapshot: Snapshot): Promise<StoredSnapshot> {
    return this.write((store) => store.put(snapshot, "imported"));
  }

  get(id: string): Snapshot | undefined {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const snapshot = this.use((store) => store.get(id));
    if (snapshot !== undefined) {
      this.cache.set(id, snapshot);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value ?? id);
    }
    return snapshot;
  }

  /** The list for the time slider, with the store's state; never throws. */
  list(): History {
    const bounds = { maxBytes: this.config.historyMaxBytes, maxAgeMs: this.config.historyMaxAgeMs };
    try {
      return this.use((store) => ({ snapshots: store.list(), isAvailable: true, totalBytes: store.totalBytes(), ...bounds }));
    } catch (err) {
      // The store down is said by use() (logged once) and here; anything else is a bug, logged, and the list still answers.
      if (!(err instanceof HistoryUnavailableError)) logger().error({ err: errorFields(err) }, "listing the history failed");
      return { snapshots: [], isAvailable: false, error: message(err), totalBytes: 0, ...bounds };
    }
  }

  /** One audit record: a log line (always written, whatever the log level) and a row in the store's audit table. */
  audit(action: AuditAction, who: string, detail: string): void {
    audit(action, who, detail);
    try {
      this.use((store) => store.audit(action, who, detail));
    } catch (err) {
      // The log line above is then the only record: say the table missed it. Never fails the action, which is done.
      logger().warn({ action, who, err: errorFields(err) }, "audit record not stored: the log line is the only record");
    }
  }

  /** The store for modules that keep their own records in it (exposures); throws HistoryUnavailableError. */
  use<T>(f: (store: SnapshotStore) => T): T {
    try {
      this.store ??= SnapshotStore.open(this.config.dataDir);
    } catch (err) {
      this.lastError = `the snapshot store in ${this.config.dataDir} cannot be opened: ${message(err)}`;
      this.storeFailure.failed(err, { dataDir: this.config.dataDir, stage: "open" });
      throw new HistoryUnavailableError(this.lastError);
    }
    try {
      const result = f(this.store);
      this.lastError = undefined;
      this.storeFailure.succeeded({ dataDir: this.config.dataDir });
      return result;
    } catch (err) {
      // Only the store's own failures (SQLite: full, read-only, damaged) mean the store is down; the rest is the caller's.
      if (!isStoreFailure(err)) throw err;
      this.lastError = `the snapshot store in ${this.config.dataDir} failed: ${message(err)}`;
      this.storeFailure.failed(err, { dataDir: this.config.dataDir });
      // Reopen next time: the file may have been replaced, the disk freed or made writable again.
      this.store.close();
      this.store = undefined;
      throw new HistoryUnavailableError(this.lastError);
    }
  }

  private write<T>(f: (store: SnapshotStore) => T): T {
    return this.use((store) => {
      const result = f(store);
      store.enforce({ maxAgeMs: this.config.historyMaxAgeMs, maxBytes: this.config.historyMaxBytes });
      for (const id of this.cache.keys()) if (store.entry(id) === undefined) this.cache.delete(id);
      return result;
    });
  }

  get error(): string | undefined {
    return this.lastError;
  }

  close(): void {
    this.stop();
    this.store?.close();
    this.store = undefined;
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
