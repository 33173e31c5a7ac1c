/** The agent core's side of the metrics: it binds its live readings once and reports every scan (see agent-state.ts). */
import type { AnomalyKind } from "../contract/anomaly";
import type { Snapshot } from "../contract/snapshot";
import { agentMetricsState, PENDING_SCANS_MAX, type AgentMetricsState, type ScanFacts } from "./agent-state";

/** What createAgent passes in. */
export interface AgentGauges {
  subscribers(): number;
  changeWatchIsOn(): boolean;
  /** Bytes in the history store; throws when the store cannot be used. */
  storeBytes(): number;
}

export interface AgentMetrics {
  /** One call per scan the agent takes; the duration is the snapshot's own timings.totalMs. */
  observeScan(snapshot: Pick<Snapshot, "netns" | "runtimes" | "anomalies" | "timings" | "takenAt">): void;
  /** Stops reporting this agent (its close()); a later bound agent is left alone. */
  unbind(): void;
}

/** A scrape reads the store's size at most this often: it is a query over every stored snapshot. */
export const STORE_SIZE_TTL_MS = 15_000;

export function scanFacts(snapshot: Pick<Snapshot, "netns" | "runtimes" | "anomalies" | "takenAt">): ScanFacts {
  const anomalies = new Map<AnomalyKind, number>();
  for (const a of snapshot.anomalies) anomalies.set(a.kind, (anomalies.get(a.kind) ?? 0) + 1);
  let interfaces = 0;
  for (const n of snapshot.netns) interfaces += n.interfaces.length;
  return {
    namespaces: snapshot.netns.length,
    interfaces,
    engines: snapshot.runtimes.map((r) => ({ engine: r.name, endpoint: r.endpoint, isUp: r.state === "ok" })),
    anomalies,
    takenAtSeconds: Date.parse(snapshot.takenAt) / 1000,
  };
}

function cachedStoreBytes(read: () => number, now: () => number): () => number | undefined {
  let cached: { at: number; bytes: number | undefined } | undefined;
  return () => {
    if (cached === undefined || now() - cached.at >= STORE_SIZE_TTL_MS) {
      let bytes: number | undefined;
      try {
        bytes = read();
      } catch {
        // The store is down (the history logs why, once): nsatlas_store_up says so, and the size keeps its last reading.
        bytes = undefined;
      }
      cached = { at: now(), bytes };
    }
    return cached.bytes;
  };
}

/** Makes `gauges` the agent this process's metrics read. */
export function bindAgentMetrics(
  gauges: AgentGauges,
  state: AgentMetricsState = agentMetricsState(),
  now: () => number = () => performance.now(),
): AgentMetrics {
  const readings = { subscribers: gauges.subscribers, changeWatchIsOn: gauges.changeWatchIsOn, storeBytes: cachedStoreBytes(gauges.storeBytes, now) };
  state.agent = readings;
  return {
    observeScan(snapshot) {
      if (state.agent !== readings) return;
      state.lastScan = scanFacts(snapshot);
      const seconds = snapshot.timings.totalMs / 1000;
      if (state.observeScanSeconds !== undefined) state.observeScanSeconds(seconds);
      else if (state.pendingScanSeconds.push(seconds) > PENDING_SCANS_MAX) state.pendingScanSeconds.shift();
    },
    unbind() {
      if (state.agent !== readings) return;
      state.agent = undefined;
      state.lastScan = undefined;
    },
  };
}
