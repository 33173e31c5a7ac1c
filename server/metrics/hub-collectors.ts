/** The nsatlas_hub_* series, read from the hub's state at scrape time. A process that runs no hub (a node agent, a single-node dashboard) exports zeros. */
import { Counter, Gauge, type Registry } from "prom-client";
import { NODE_STATES } from "../contract/cluster";
import type { HubMetricsState } from "./hub-state";

export function registerHubCollectors(registry: Registry, state: HubMetricsState): void {
  const registers = [registry];
  new Gauge({
    name: "nsatlas_hub_nodes",
    help: "Node agents the hub follows, by state (connecting, up, stale, unreachable, unauthorized, version-mismatch, error).",
    labelNames: ["state"] as const,
    registers,
    collect() {
      const counts = state.nodeStates?.();
      for (const s of NODE_STATES) this.set({ state: s }, counts?.[s] ?? 0);
    },
  });
  new Counter({
    name: "nsatlas_hub_events_total",
    help: "Change and resync events the hub received from the node agents' event streams.",
    registers,
    collect() {
      // A counter read from a running total: reset, then add the total (it only ever grows).
      this.reset();
      this.inc(state.eventsTotal);
    },
  });
}
