/** The whole /metrics text over a recorded lab snapshot, checked by promtool. */
import { describe, expect, it } from "vitest";
import { ANOMALY_KINDS } from "../../../server/contract/anomaly";
import { metricsHandler } from "../../../server/http/handlers/metrics-handler";
import { bindAgentMetrics } from "../../../server/metrics/agent-metrics";
import { newAgentMetricsState } from "../../../server/metrics/agent-state";
import { createMetrics } from "../../../server/metrics/create-metrics";
import { processMetrics } from "../../../server/metrics/process-metrics";
import { labSnapshot } from "../../fixtures/lab-snapshot";
import { DEFAULT_METRICS_LINT, familiesNamed, promtoolCheck } from "./promtool";

const snapshot = labSnapshot();

async function labMetricsText(): Promise<string> {
  const state = newAgentMetricsState();
  const agent = bindAgentMetrics({ subscribers: () => 2, changeWatchIsOn: () => true, storeBytes: () => 123_456 }, state);
  // One scan before the registry exists (it waits), one after.
  agent.observeScan(snapshot);
  const metrics = createMetrics(state);
  agent.observeScan({ ...snapshot, timings: { ...snapshot.timings, totalMs: 2500 } });
  metrics.observeHttpRequest({ route: "/api/v1/netns/[netnsId]", method: "GET", status: 200, seconds: 0.012 });
  metrics.observeHttpRequest({ route: "/metrics", method: "GET", status: 401, seconds: 0.001 });
  return metrics.registry.metrics();
}

describe("the metrics text", () => {
  it("carries the latest lab snapshot, the agent's live readings and the requests", async () => {
    const text = await labMetricsText();
    const interfaces = snapshot.netns.reduce((sum, n) => sum + n.interfaces.length, 0);
    expect(text).toContain(`\nnsatlas_namespaces ${snapshot.netns.length}\n`);
    expect(text).toContain(`\nnsatlas_interfaces ${interfaces}\n`);
    for (const r of snapshot.runtimes) expect(text).toContain(`\nnsatlas_engine_up{engine="${r.name}",endpoint="${r.endpoint}"} ${r.state === "ok" ? 1 : 0}\n`);
    for (const kind of ANOMALY_KINDS) expect(text).toMatch(new RegExp(`\\nnsatlas_anomalies\\{kind="${kind}"\\} \\d+\\n`));
    expect(text).toContain("\nnsatlas_scan_duration_seconds_count 2\n");
    expect(text).toContain('\nnsatlas_scan_duration_seconds_bucket{le="1"} 1\n');
    expect(text).toContain('\nnsatlas_scan_duration_seconds_bucket{le="2.5"} 2\n');
    expect(text).toContain("\nnsatlas_sse_subscribers 2\n");
    expect(text).toContain("\nnsatlas_change_watch_up 1\n");
    expect(text).toContain("\nnsatlas_store_up 1\n");
    expect(text).toContain("\nnsatlas_store_size_bytes 123456\n");
    expect(text).toContain(`\nnsatlas_last_scan_timestamp_seconds ${Date.parse(snapshot.takenAt) / 1000}\n`);
    expect(text).toMatch(/\nnsatlas_build_info\{version="[^"]+"\} 1\n/);
    expect(text).toContain('\nnsatlas_http_requests_total{route="/metrics",method="GET",status="401"} 1\n');
    expect(text).toMatch(/\nprocess_resident_memory_bytes \d+/);
    expect(text).toMatch(/\nnodejs_eventloop_lag_seconds [\d.e-]+/);
  });

  it("passes promtool's check: the nsatlas_* series without a single lint problem", async () => {
    const nsatlas = familiesNamed(await labMetricsText(), "nsatlas_");
    expect(nsatlas).toContain("# TYPE nsatlas_scan_duration_seconds histogram");
    expect(promtoolCheck(nsatlas)).toEqual({ status: 0, problems: [] });
  });

  it("passes promtool's check as a whole, but for prom-client's own nodejs_active_*_total gauges", async () => {
    const { problems } = promtoolCheck(await labMetricsText());
    const unexpected = problems.filter((p) => !DEFAULT_METRICS_LINT.some((name) => p.startsWith(`${name} `)));
    expect(unexpected).toEqual([]);
  });

  it("reads zeros and no engine or anomaly series before any scan and without an agent", async () => {
    const text = await createMetrics(newAgentMetricsState()).registry.metrics();
    expect(text).toContain("\nnsatlas_namespaces 0\n");
    expect(text).toContain("\nnsatlas_store_up 0\n");
    expect(text).not.toMatch(/\nnsatlas_engine_up\{/);
    expect(text).not.toMatch(/\nnsatlas_anomalies\{/);
    expect(promtoolCheck(familiesNamed(text, "nsatlas_"))).toEqual({ status: 0, problems: [] });
  });
});

describe("metricsHandler", () => {
  it("answers the process's registry as Prometheus text, never cached", async () => {
    expect(processMetrics()).toBe(processMetrics());
    const response = await metricsHandler();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    expect(text).toContain("# TYPE nsatlas_scan_duration_seconds histogram");
    expect(text).toContain("# TYPE process_resident_memory_bytes gauge");
  });
});
