import { ReadingDecoder } from "../collect/decode-reading";
import { describeFailure } from "../collect/describe-failure";
import { MalformedNetlinkError, NetlinkError } from "../collect/netlink-parser";
import { NetnsReader, type DiagResult, type ReadJob } from "../collect/netns-reader";
import { decodeListeners, listenerRequests, socketOwners, toListeners } from "../collect/sock-diag";
import type { Config } from "../config";
import { FdScanner } from "../discover/fd-scan";
import { ThreadScanner } from "../discover/thread-scan";
import { OwnMountTable } from "../discover/own-mount-table";
import { logUnexpected } from "../log/failures";
import { errorFields, logger } from "../log/logger";
import { engineAdapters } from "../runtimes/probe-engines";
import { EngineWatch } from "../runtimes/engine-watch";
import type { Listener, Netns, Snapshot } from "../contract/snapshot";
import { SingleFlightMemo } from "./single-flight-memo";
import type { ReadAhead } from "./read-ahead";
import type { ReadCounts } from "./read-namespaces";
import { takeSnapshot, type NetnsAccess, type SnapshotReading } from "./take-snapshot";

/** The process-wide snapshot source: one reader worker, one memo. */
export class SnapshotService {
  readonly reader: NetnsReader;
  private readonly memo: SingleFlightMemo<SnapshotReading>;

  private readonly engines: EngineWatch;
  private readonly ownMountTable = new OwnMountTable();
  /** The listeners pass of the latest reading, shared by everyone who asks for that reading. */
  private withListeners: { reading: SnapshotReading; snapshot: Promise<Snapshot> } | undefined;
  /** The last snapshot taken, so the next can tell which counters rose. */
  private previous: Snapshot | undefined;

  /** How the latest scan read its namespaces (undefined before the first). */
  lastReads: ReadCounts | undefined;

  /**
   * `onSnapshot` sees every snapshot taken, whoever asked for it (the agent's change feed). With `readAhead`, the
   * service reads through its reader, and its first snapshot takes the reading already under way.
   */
  constructor(
    config: Pick<Config, "snapshotTtlMs" | "scanFds" | "fdScanIntervalMs" | "engineTimeoutMs"> &
      Partial<Pick<Config, "dockerSocket" | "podmanSocket" | "criSockets" | "engineRefreshMs" | "watchChanges" | "threadScanIntervalMs" | "nodeName">>,
    onSnapshot: (snapshot: Snapshot) => void = () => undefined,
    readAhead?: ReadAhead,
  ) {
    this.reader = readAhead?.reader ?? new NetnsReader(undefined, { watchChanges: config.watchChanges ?? true });
    const fdScanner = config.scanFds ? new FdScanner(config.fdScanIntervalMs) : undefined;
    const threadScanner = new ThreadScanner(config.threadScanIntervalMs ?? 0);
    const decoder = new ReadingDecoder();
    // Long-lived adapters keep their inspect caches between snapshots.
    this.engines = new EngineWatch(engineAdapters(config), config.engineTimeoutMs, config.engineRefreshMs ?? 0);
    this.memo = new SingleFlightMemo(async () => {
      const reading = await takeSnapshot(this.reader, {
        started: readAhead?.take(),
        fdScanner,
        threadScanner,
        ownMountTable: this.ownMountTable,
        engines: this.engines,
        previous: this.previous,
        decoder,
        nodeName: config.nodeName,
      });
      this.previous = reading.snapshot;
      this.lastReads = reading.reads;
      onSnapshot(reading.snapshot);
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
    if (netns === undefined) return undefined;
    // A new object: the memoised snapshot is shared by every caller and must not change.
    const [withListeners] = await this.addListeners(reading, [netns]);
    return withListeners;
  }

  /**
   * A fresh or memoised snapshot with every namespace's listeners (one sock_diag pass each): what
   * the history stores, so that a frozen view and a diff can show sockets.
   */
  async snapshotWithListeners(options: { fresh?: boolean; maxAgeMs?: number } = {}): Promise<Snapshot> {
    const reading = await this.memo.get(options);
    // Callers sharing one reading (a diff poll, the schedule) share its listeners pass too.
    if (this.withListeners?.reading !== reading) {
      this.withListeners = { reading, snapshot: this.addListeners(reading, reading.snapshot.netns).then((netns) => ({ ...reading.snapshot, netns })) };
    }
    return this.withListeners.snapshot;
  }

  /** Copies of `netns` with their listeners: one request to the worker for all of them. */
  private async addListeners(reading: SnapshotReading, netns: Netns[]): Promise<Netns[]> {
    // Loops, not callbacks made per call: this runs over every namespace on the history's schedule, and V8 drops the
    // optimised code of such closures at each full GC.
    const readable: Array<{ id: string; access: NetnsAccess }> = [];
    for (const n of netns) {
      const access = reading.access.get(n.id);
      if (access !== undefined && !n.isGone) readable.push({ id: n.id, access });
    }
    const jobs: ReadJob[] = [];
    for (const r of readable) jobs.push({ id: r.id, path: r.access.openPath });
    const results = await this.reader.diag(jobs, listenerRequests());
    const found = new Map<string, { listeners: Listener[]; errors: string[] }>();
    for (const [i, r] of readable.entries()) {
      const result = results[i];
      if (result !== undefined) found.set(r.id, this.toListeners(r.id, result, r.access.pids));
    }
    const withListeners: Netns[] = [];
    for (const n of netns) {
      const got = found.get(n.id);
      withListeners.push(got === undefined ? { ...n, listeners: [] } : { ...n, listeners: got.listeners, errors: [...n.errors, ...got.errors] });
    }
    return withListeners;
  }

  private toListeners(id: string, result: DiagResult, pids: number[]): { listeners: Listener[]; errors: string[] } {
    if (!result.ok) return { listeners: [], errors: [`listeners: ${describeFailure(result.stage, result.errno)}`] };
    try {
      const raw = decodeListeners(result.answers, `netns ${id} listeners`);
      return { listeners: toListeners(raw, socketOwners(pids, new Set(raw.map((l) => l.socketInode)))), errors: [] };
    } catch (err) {
      // Reported as the namespace's error either way. The kernel's refusal or a malformed answer recurs per
      // namespace and scan (debug); anything else is a bug, logged (rate-limited) too.
      if (err instanceof NetlinkError || err instanceof MalformedNetlinkError) logger().debug({ netnsId: id, err: errorFields(err) }, "listeners not decoded");
      else logUnexpected("decoding a namespace's listeners", err, { netnsId: id });
      return { listeners: [], errors: [`listeners: ${err instanceof Error ? err.message : String(err)}`] };
    }
  }

  get scans(): number {
    return this.memo.productions;
  }

  close(): void {
    this.reader.close();
    this.ownMountTable.close();
    this.engines.close();
  }
}
