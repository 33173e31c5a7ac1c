/** The nsatlas_* series about the agent: read from the bound agent at scrape time (collect callbacks), never on a timer. */
import { Gauge, Histogram, type Registry } from "prom-client";
import { ANOMALY_KINDS } from "../contract/anomaly";
import type { AgentMetricsState } from "./agent-state";

/** A scan takes tens of milliseconds on a small node and seconds at thousands of namespaces. */
export const SCAN_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function registerAgentCollectors(registry: Registry, state: AgentMetricsState): void {
  const registers = [registry];
  const scans = new Histogram({
    name: "nsatlas_scan_duration_seconds",
    help: "Time one scan of the node took (discover, read every namespace, wire, owners), one observation per snapshot taken.",
    buckets: SCAN_BUCKETS,
    registers,
  });
  for (const seconds of state.pendingScanSeconds) scans.observe(seconds);
  state.pendingScanSeconds = [];
  state.observeScanSeconds = (seconds) => scans.observe(seconds);

  // Unlabelled gauges read 0 before the first scan and when no agent is bound; nsatlas_last_scan_timestamp_seconds tells.
  new Gauge({
    name: "nsatlas_last_scan_timestamp_seconds",
    help: "When the latest scan started, in seconds since the Unix epoch (0 before the first).",
    registers,
    collect() {
      this.set(state.lastScan?.takenAtSeconds ?? 0);
    },
  });
  new Gauge({
    name: "nsatlas_namespaces",
    help: "Network namespaces in the latest snapshot.",
    registers,
    collect() {
      this.set(state.lastScan?.namespaces ?? 0);
    },
  });
  new Gauge({
    name: "nsatlas_interfaces",
    help: "Network interfaces in the latest snapshot, all namespaces together.",
    registers,
    collect() {
      this.set(state.lastScan?.interfaces ?? 0);
    },
  });
  new Gauge({
    name: "nsatlas_anomalies",
    help: "Anomalies of each kind in the latest snapshot.",
    labelNames: ["kind"] as const,
    registers,
    collect() {
      this.reset();
      const scan = state.lastScan;
      if (scan !== undefined) for (const kind of ANOMALY_KINDS) this.set({ kind }, scan.anomalies.get(kind) ?? 0);
    },
  });
  new Gauge({
    name: "nsatlas_engine_up",
    help: "1 when the container engine at this configured endpoint answered during the latest snapshot, else 0.",
    labelNames: ["engine", "endpoint"] as const,
    registers,
    collect() {
      this.reset();
      for (const e of state.lastScan?.engines ?? []) this.set({ engine: e.engine, endpoint: e.endpoint }, e.isUp ? 1 : 0);
    },
  });
  new Gauge({
    name: "nsatlas_sse_subscribers",
    help: "Clients following the event stream now.",
    registers,
    collect() {
      this.set(state.agent?.subscribers() ?? 0);
    },
  });
  new Gauge({
    name: "nsatlas_change_watch_up",
    help: "1 when the netlink change watch is on (scans re-read only namespaces that changed), else 0.",
    registers,
    collect() {
      this.set(state.agent?.changeWatchIsOn() === true ? 1 : 0);
    },
  });
  new Gauge({
    name: "nsatlas_store_up",
    help: "1 when the history store can be used, else 0.",
    registers,
    collect() {
      this.set(state.agent?.storeBytes() === undefined ? 0 : 1);
    },
  });
  new Gauge({
    name: "nsatlas_store_size_bytes",
    help: "Bytes the history store holds (read at most every 15 s; the last size read while the store is down).",
    registers,
    collect() {
      const bytes = state.agent?.storeBytes();
      if (bytes !== undefined) this.set(bytes);
    },
  });
}
