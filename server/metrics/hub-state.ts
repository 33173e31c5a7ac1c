/**
 * What the hub (server/hub/hub.ts) hands the metrics, kept apart from prom-client like agent-state.ts, and on
 * globalThis for the same reason: Next bundles its routes apart from the code that starts the hub.
 */
import type { NodeState } from "../contract/cluster";

export interface HubMetricsState {
  /** How many followed nodes are in each state now; undefined when no hub runs in this process. */
  nodeStates: (() => Record<NodeState, number>) | undefined;
  /** Change and resync events received from the agents since the process started. */
  eventsTotal: number;
}

const KEY = Symbol.for("nsatlas.metrics.hub");
type GlobalWithState = typeof globalThis & { [KEY]?: HubMetricsState };

export function newHubMetricsState(): HubMetricsState {
  return { nodeStates: undefined, eventsTotal: 0 };
}

/** This process's state. */
export function hubMetricsState(): HubMetricsState {
  const g: GlobalWithState = globalThis;
  g[KEY] ??= newHubMetricsState();
  return g[KEY];
}
