import { describe, expect, it } from "vitest";
import { newAgentMetricsState } from "../../../server/metrics/agent-state";
import { createMetrics } from "../../../server/metrics/create-metrics";
import { newHubMetricsState } from "../../../server/metrics/hub-state";
import { familiesNamed, promtoolCheck } from "../metrics/promtool";

describe("the hub's metrics", () => {
  it("count nodes by state and the events received, and pass promtool", async () => {
    const hub = newHubMetricsState();
    const metrics = createMetrics(newAgentMetricsState(), hub);
    const before = await metrics.registry.metrics();
    expect(before).toContain('\nnsatlas_hub_nodes{state="up"} 0\n');
    expect(before).toContain("\nnsatlas_hub_events_total 0\n");
    hub.nodeStates = () => ({ connecting: 0, up: 2, stale: 1, unreachable: 1, unauthorized: 0, "version-mismatch": 0, error: 3 });
    hub.eventsTotal = 17;
    const text = await metrics.registry.metrics();
    for (const line of [
      'nsatlas_hub_nodes{state="up"} 2',
      'nsatlas_hub_nodes{state="stale"} 1',
      'nsatlas_hub_nodes{state="error"} 3',
      "nsatlas_hub_events_total 17",
    ]) {
      expect(text).toContain(`\n${line}\n`);
    }
    hub.eventsTotal = 18;
    expect(await metrics.registry.metrics()).toContain("\nnsatlas_hub_events_total 18\n");
    expect(promtoolCheck(familiesNamed(text, "nsatlas_hub_"))).toEqual({ status: 0, problems: [] });
  });
});
