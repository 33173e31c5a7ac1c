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

/**
 * How often the event loop's delay is sampled for the nodejs_eventloop_lag_* series, in ms. prom-client's default,
 * 10 ms, wakes the process 100 times a second: 0.57% of a core on an otherwise idle Node (2 vCPU VM), a third of what
 * a followed agent at 368 namespaces spends in all. Every 100 ms (0.08%) still samples a 15 s scrape interval 150 times.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/** The process has one (process-metrics.ts); tests build their own over a state of their own. */
export function createMetrics(state: AgentMetricsState, hubState: HubMetricsState = hubMetricsState()): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  new Gauge({ name: "nsatlas_build_info", help: "Always 1; the nsatlas version in a label.", labelNames: ["version"] as const, registers: [registry] }).set(
    { version: NSATLAS_VERSION },
    1,
  );
  registerAgentCollectors(registry, state);
  registerHubCollectors(registry, hubState);
  return { registry, observeHttpRequest: registerHttpMetrics(registry) };
}
