/**
 * What the agent core hands the metrics, kept apart from prom-client so that creating an agent never
 * loads it (a one-shot CLI command would pay ~40–50 ms loading it for nothing). Process-wide, on globalThis: Next
 * bundles its routes apart from the code that starts the agent.
 */
import type { AnomalyKind } from "../contract/anomaly";

/** Live readings of the bound agent, taken at scrape time (each cheap; the store size is cached). */
export interface AgentReadings {
  subscribers(): number;
  changeWatchIsOn(): boolean;
  /** Bytes in the history store, or undefined when the store cannot be used. */
  storeBytes(): number | undefined;
}

/** What the latest scan found. */
export interface ScanFacts {
  namespaces: number;
  interfaces: number;
  /** One per configured engine endpoint (a bounded set). */
  engines: Array<{ engine: string; endpoint: string; isUp: boolean }>;
  anomalies: Map<AnomalyKind, number>;
  /** When the scan started, in seconds since the epoch. */
  takenAtSeconds: number;
}

/** Scan durations kept for a registry created after the scans (bounded: a process that never serves metrics keeps no more). */
export const PENDING_SCANS_MAX = 1000;

export interface AgentMetricsState {
  /** The process's recording agent (the last one bound), if any. */
  agent: AgentReadings | undefined;
  lastScan: ScanFacts | undefined;
  pendingScanSeconds: number[];
  /** Set by the registry once it exists; until then durations wait in pendingScanSeconds. */
  observeScanSeconds: ((seconds: number) => void) | undefined;
}

export function newAgentMetricsState(): AgentMetricsState {
  return { agent: undefined, lastScan: undefined, pendingScanSeconds: [], observeScanSeconds: undefined };
}

const KEY = Symbol.for("nsatlas.metrics.agent");
type GlobalWithState = typeof globalThis & { [KEY]?: AgentMetricsState };

/** This process's state. */
export function agentMetricsState(): AgentMetricsState {
  const g: GlobalWithState = globalThis;
  g[KEY] ??= newAgentMetricsState();
  return g[KEY];
}
