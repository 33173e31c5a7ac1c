/**
 * The process's one registry, on globalThis: Next bundles its routes apart from the process's own code,
 * so a module-level singleton would exist once per bundle (and default metrics would be registered twice).
 */
import { agentMetricsState } from "./agent-state";
import { createMetrics, type Metrics } from "./create-metrics";
import type { HttpRequestObservation } from "./http-metrics";

const KEY = Symbol.for("nsatlas.metrics");
type GlobalWithMetrics = typeof globalThis & { [KEY]?: Metrics };

export function processMetrics(): Metrics {
  const g: GlobalWithMetrics = globalThis;
  g[KEY] ??= createMetrics(agentMetricsState());
  return g[KEY];
}

/** Counts and times one answered request; `route` is the route template, never the raw path. */
export function observeHttpRequest(request: HttpRequestObservation): void {
  processMetrics().observeHttpRequest(request);
}
