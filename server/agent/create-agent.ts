/**
 * The agent core: one per process. It owns the pipeline (through SnapshotService: discover → collect →
 * owners → wire → snapshot), the history store and its schedule, the change feed, and when it scans on
 * its own. The dashboard's data layer (dal.ts), the CLI and the node agent's HTTP server are thin faces
 * over it; none of them runs a pipeline step itself.
 */
import fs from "node:fs";
import { ChangeSignal } from "../collect/change-signal";
import type { Config } from "../config";
import { healthSchema, type Health, type Readiness } from "../contract/health";
import type { Netns, Snapshot, SnapshotOverview, SnapshotView } from "../contract/snapshot";
import { NSATLAS_VERSION, nodeInfo, processStartedAt } from "../node-info";
import { missingCapabilities } from "../privileges";
import { probeEngines } from "../runtimes/probe-engines";
import type { ReadAhead } from "../snapshot/read-ahead";
import { SnapshotService } from "../snapshot/snapshot-service";
import { toOverview } from "../snapshot/to-overview";
import { HistoryUnavailableError, SnapshotHistory } from "../store/snapshot-history";
import { bindAgentMetrics } from "../metrics/agent-metrics";
import type { ChangeEvent } from "../contract/events";
import { ChangeFeed, type ChangeListener } from "./change-feed";
import { releaseFreedNativeMemory } from "./native-heap";
import { ScanSchedule } from "./scan-schedule";

/** How long the agent keeps watching after its last subscriber left, so that a reconnect can resume. */
const RESUME_GRACE_MS = 60_000;
/** After namespaces appear, one more scan this much later picks up owners the engines did not know yet. */
const OWNER_FOLLOW_UP_MS = 1000;

export interface AgentOptions {
  /** Record the history on its schedule (the dashboard and `nsatlas agent`; not one-shot CLI commands). */
  record?: boolean;
  /** A one-shot command's reading already under way: the first snapshot takes it (see read-ahead.ts). */
  readAhead?: ReadAhead;
}

/** Thrown when `at` names no stored snapshot. Answers match it by name (see server/http/answer.ts). */
export class UnknownSnapshotError extends Error {
  override readonly name = "UnknownSnapshotError";
}

export interface Agent {
  readonly config: Config;
  readonly service: SnapshotService;
  readonly history: SnapshotHistory;
  /** The node now (memoised for the TTL; concurrent callers share one scan), or stored snapshot `at`. */
  snapshot(at?: string, options?: { fresh?: boolean }): Promise<Snapshot>;
  /** The snapshot in the form asked for (`overview`: without routes and counters). */
  view(view: SnapshotView, at?: string): Promise<Snapshot | SnapshotOverview>;
  /** One namespace with its listening sockets, or undefined. */
  netns(id: string, at?: string): Promise<Netns | undefined>;
  /** Hears every change from now on; while anyone listens the agent scans on kernel signals and every scanIntervalMs. */
  subscribe(listener: ChangeListener): () => void;
  /** The change events after `seq` (a resuming client's Last-Event-ID), or undefined when no longer kept. */
  since(seq: number): ChangeEvent[] | undefined;
  /** The newest change event's number (0 before any). */
  lastSeq(): number;
  /** Ready once the first scan is done, the store usable and the reader thread up. */
  readiness(): Readiness;
  health(): Promise<Health>;
  close(): void;
}

export function createAgent(config: Config, options: AgentOptions = {}): Agent {
  const feed = new ChangeFeed();
  // Only while watching (someone listens, or did a moment ago): comparing snapshots is work nobody would read.
  const service = new SnapshotService(
    config,
    (snapshot) => {
      metrics?.observeScan(snapshot);
      // A long-running agent gives back what the scan freed once the work it started is done (the answers built from it included).
      if (options.record) setImmediate(releaseFreedNativeMemory);
      if (!schedule.isOn) return;
      const event = feed.observe(snapshot);
      // An engine may name a new namespace's owner a moment after the namespace appears: look once more.
      if (event !== undefined && event.added.length > 0) setTimeout(() => schedule.wake(), OWNER_FOLLOW_UP_MS).unref();
    },
    options.readAhead,
  );
  const history = new SnapshotHistory(config, service);
  // Only a recording agent (the dashboard's, `nsatlas agent`) is the process's agent in its metrics.
  const metrics = options.record
    ? bindAgentMetrics({
        subscribers: () => feed.subscribers,
        changeWatchIsOn: () => service.lastReads?.watch.isOn ?? config.watchChanges,
        storeBytes: () => history.use((store) => store.totalBytes()),
      })
    : undefined;
  const schedule = new ScanSchedule(() => service.snapshot({ fresh: true }), config.scanIntervalMs);
  let signal: ChangeSignal | undefined;
  let quietTimer: NodeJS.Timeout | undefined;
  if (options.record) history.start();

  function stored(at: string): Snapshot {
    const snapshot = history.get(at);
    if (snapshot === undefined) throw new UnknownSnapshotError(`no stored snapshot has the id ${at}`);
    return snapshot;
  }

  async function snapshot(at?: string, opts: { fresh?: boolean } = {}): Promise<Snapshot> {
    return at === undefined ? service.snapshot(opts) : stored(at);
  }

  function listen(): void {
    clearTimeout(quietTimer);
    schedule.start();
    signal ??= new ChangeSignal(() => schedule.wake());
    // The first scan is the baseline the events are measured against.
    schedule.wake();
  }

  function quiet(): void {
    feed.pause();
    schedule.stop();
    signal?.close();
    signal = undefined;
  }

  return {
    config,
    service,
    history,
    snapshot,
    async view(view, at) {
      // A stored snapshot has its listeners already.
      if (view === "complete" && at === undefined) return service.snapshotWithListeners();
      const s = await snapshot(at);
      return view === "overview" ? toOverview(s) : s;
    },
    async netns(id, at) {
      return at === undefined ? service.netns(id) : stored(at).netns.find((n) => n.id === id);
    },
    subscribe(listener) {
      const unsubscribe = feed.subscribe(listener);
      if (feed.subscribers === 1) listen();
      return () => {
        unsubscribe();
        if (feed.subscribers > 0) return;
        // A client that reconnects soon (a dropped connection, a hub restarting) resumes from its
        // Last-Event-ID: keep watching a while so that what changed meanwhile can be replayed.
        clearTimeout(quietTimer);
        quietTimer = setTimeout(quiet, RESUME_GRACE_MS);
        quietTimer.unref();
      };
    },
    since: (seq) => feed.since(seq),
    lastSeq: () => feed.lastSeq,
    readiness() {
      const notReady: string[] = [];
      // lastReads is set when a scan completes, whoever asked for it.
      if (service.lastReads === undefined) notReady.push("the first scan has not finished");
      else if (!service.reader.isRunning) notReady.push("the reader thread is not running");
      // Opening the store (once) is the check; a probe must not list every stored snapshot.
      try {
        history.use(() => undefined);
      } catch (err) {
        // The store down is the answer (and the history logs it, once); anything else is a bug for the probe to surface.
        if (!(err instanceof HistoryUnavailableError)) throw err;
        notReady.push(err.message);
      }
      return { isReady: notReady.length === 0, notReady };
    },
    async health() {
      const startedAt = processStartedAt();
      const runtimes = await probeEngines(config);
      const memory = process.memoryUsage();
      const reads = service.lastReads;
      return healthSchema.parse({
        version: NSATLAS_VERSION,
        startedAt: startedAt.toISOString(),
        uptimeMs: Math.max(0, Date.now() - startedAt.getTime()),
        node: nodeInfo(config.nodeName),
        runtimes,
        agent: {
          scans: service.scans,
          rssBytes: memory.rss,
          heapUsedBytes: memory.heapUsed,
          openFds: fs.readdirSync("/proc/self/fd").length,
          missingCapabilities: missingCapabilities(),
          changeWatch:
            reads === undefined ? { isOn: config.watchChanges } : { ...reads.watch, lastScan: { readInFull: reads.full, countersOnly: reads.countersOnly } },
        },
      });
    },
    close() {
      metrics?.unbind();
      clearTimeout(quietTimer);
      quiet();
      history.close();
      service.close();
    },
  };
}
