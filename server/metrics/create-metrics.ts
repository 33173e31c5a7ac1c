/** A registry with every series nsatlas exports: prom-client's process and Node.js defaults, and the nsatlas_* ones. */
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { NSATLAS_VERSION } from "../node-info";
import { registerAgentCollectors } from "./agent-collectors";
import type { AgentMetricsState } from "./agent-state";
import { registerHttpMetrics, type HttpRequestObservation } from "./http-metrics";
import { registerHubCollectors } from "./hub-collectors";
import { hubMetricsState, type HubMetricsState } from "./hub-state";

export interface Metrics {
  registry: Registry;
  observeHttpRequest(request: HttpRequestObservation): void;
}

/** The process has one (process-metrics.ts); tests build their own over a state of their own. */
export function createMetrics(state: AgentMetricsState, hubState: HubMetricsState = hubMetricsState()): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({ name: "nsatlas_build_info", help: "Always 1; the nsatlas version in a label.", labelNames: ["version"] as const, registers: [registry] }).set(
    { version: NSATLAS_VERSION },
    1,
  );
  registerAgentCollectors(registry, state);
  registerHubCollectors(registry, hubState);
  return { registry, observeHttpRequest: registerHttpMetrics(registry) };
}
