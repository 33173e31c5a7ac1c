import { describeFailure } from "../collect/describe-failure";
import { NetnsReader } from "../collect/netns-reader";
import { decodeListeners, listenerRequests, socketOwners, toListeners } from "../collect/sock-diag";
import type { Config } from "../config";
import { FdScanner } from "../discover/fd-scan";
import { engineAdapters } from "../runtimes/probe-engines";
import { EngineWatch } from "../runtimes/engine-watch";
import type { Listener, Netns, Snapshot } from "../contract/snapshot";
import { SingleFlightMemo } from "./single-flight-memo";
import { takeSnapshot, type SnapshotReading } from "./take-snapshot";

/** The process-wide snapshot source: one reader worker, one memo. */
export class SnapshotService {
  readonly reader = new NetnsReader();
  private readonly memo: SingleFlightMemo<SnapshotReading>;

  private readonly engines: EngineWatch;
  /** The listeners pass of the latest reading, shared by everyone who asks for that reading. */
  private withListeners: { reading: SnapshotReading; snapshot: Promise<Snapshot> } | undefined;
  /** The last snapshot taken, so the next can tell which counters rose. */
  private previous: Snapshot | undefined;

  constructor(
    config: Pick<Config, "snapshotTtlMs" | "scanFds" | "fdScanIntervalMs" | "engineTimeoutMs"> &
      Partial<Pick<Config, "dockerSocket" | "podmanSocket" | "criSockets" | "engineRefreshMs">>,
  ) {
    const fdScanner = config.scanFds ? new FdScanner(config.fdScanIntervalMs) : undefined;
    // Long-lived adapters keep their inspect caches between snapshots.
    this.engines = new EngineWatch(engineAdapters(config), config.engineTimeoutMs, config.engineRefreshMs ?? 0);
    this.memo = new SingleFlightMemo(async () => {
      const reading = await takeSnapshot(this.reader, { fdScanner, engines: this.engines, previous: this.previous });
      this.previous = reading.snapshot;
      return reading;
    }, config.snapshotTtlMs);
  }

  async snapshot(options: { fresh?: boolean } = {}): Promise<Snapshot> {
    return (await this.memo.get(options)).snapshot;
  }

  /** One namespace with its listening sockets (a sock_diag pass of its own), or undefined when unknown. */
  async netns(id: string): Promise<Netns | undefined> {
    const reading = await this.memo.get();
    const netns = reading.snapshot.netns.find((n) => n.id === id);
    const access = reading.access.get(id);
    if (netns === undefined || access === undefined) return undefined;
    const { listeners, errors } = await this.listeners(id, access.openPath, access.pids);
    // A new object: the memoised snapshot is shared by every caller and must not change.
    return { ...netns, listeners, errors: [...netns.errors, ...errors] };
  }

  /**
   * A fresh or memoised snapshot with every namespace's listeners (one sock_diag pass each): what
   * the history stores, so that a frozen view and a diff can show sockets.
   */
  async snapshotWithListeners(options: { fresh?: boolean; maxAgeMs?: number } = {}): Promise<Snapshot> {
    const reading = await this.memo.get(options);
    // Callers sharing one reading (a diff poll, the schedule) share its listeners pass too.
    if (this.withListeners?.reading !== reading) this.withListeners = { reading, snapshot: this.addListeners(reading) };
    return this.withListeners.snapshot;
  }

  private async addListeners(reading: SnapshotReading): Promise<Snapshot> {
    // All requests queue at the worker at once: one pass per namespace, no round trip in between.
    const netns = await Promise.all(
      reading.snapshot.netns.map(async (n): Promise<Netns> => {
        const access = reading.access.get(n.id);
        if (access === undefined || n.isGone) return { ...n, listeners: [] };
        const { listeners, errors } = await this.listeners(n.id, access.openPath, access.pids);
        return { ...n, listeners, errors: [...n.errors, ...errors] };
      }),
    );
    return { ...reading.snapshot, netns };
  }

  private async listeners(id: string, openPath: string, pids: number[]): Promise<{ listeners: Listener[]; errors: string[] }> {
    const result = await this.reader.diag({ id, path: openPath }, listenerRequests());
    if (!result.ok) return { listeners: [], errors: [`listeners: ${describeFailure(result.stage, result.errno)}`] };
    try {
      const raw = decodeListeners(result.answers, `netns ${id} listeners`);
      return { listeners: toListeners(raw, socketOwners(pids, new Set(raw.map((l) => l.socketInode)))), errors: [] };
    } catch (err) {
      return { listeners: [], errors: [`listeners: ${err instanceof Error ? err.message : String(err)}`] };
    }
  }

  get scans(): number {
    return this.memo.productions;
  }

  close(): void {
    this.reader.close();
    this.engines.close();
  }
}
