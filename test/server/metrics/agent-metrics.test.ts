import { describe, expect, it } from "vitest";
import { bindAgentMetrics, scanFacts, STORE_SIZE_TTL_MS } from "../../../server/metrics/agent-metrics";
import { newAgentMetricsState, PENDING_SCANS_MAX } from "../../../server/metrics/agent-state";
import { labSnapshot } from "../../fixtures/lab-snapshot";

const snapshot = labSnapshot();
const gauges = { subscribers: () => 2, changeWatchIsOn: () => true, storeBytes: () => 4096 };

describe("scanFacts", () => {
  it("counts the namespaces, interfaces, engines and anomalies of a recorded lab snapshot", () => {
    const facts = scanFacts({
      ...snapshot,
      anomalies: [
        { kind: "mtu-mismatch", severity: "warning", places: [{ netnsId: "1" }], message: "m" },
        { kind: "mtu-mismatch", severity: "warning", places: [{ netnsId: "2" }], message: "m" },
      ],
    });
    expect(facts.namespaces).toBe(snapshot.netns.length);
    expect(facts.interfaces).toBe(snapshot.netns.reduce((sum, n) => sum + n.interfaces.length, 0));
    expect(facts.engines).toEqual(snapshot.runtimes.map((r) => ({ engine: r.name, endpoint: r.endpoint, isUp: r.state === "ok" })));
    expect([...facts.anomalies]).toEqual([["mtu-mismatch", 2]]);
    expect(facts.takenAtSeconds).toBe(Date.parse(snapshot.takenAt) / 1000);
  });
});

describe("bindAgentMetrics", () => {
  it("keeps scan durations until a registry takes them, at most PENDING_SCANS_MAX", () => {
    const state = newAgentMetricsState();
    const metrics = bindAgentMetrics(gauges, state);
    for (let i = 0; i < PENDING_SCANS_MAX + 3; i++) metrics.observeScan(snapshot);
    expect(state.pendingScanSeconds).toHaveLength(PENDING_SCANS_MAX);
    expect(state.pendingScanSeconds[0]).toBe(snapshot.timings.totalMs / 1000);
    const seen: number[] = [];
    state.observeScanSeconds = (s) => seen.push(s);
    metrics.observeScan(snapshot);
    expect(seen).toEqual([snapshot.timings.totalMs / 1000]);
    expect(state.lastScan?.namespaces).toBe(snapshot.netns.length);
  });

  it("reports only the agent bound last, and forgets it on unbind", () => {
    const state = newAgentMetricsState();
    const first = bindAgentMetrics(gauges, state);
    const second = bindAgentMetrics({ ...gauges, subscribers: () => 7 }, state);
    first.observeScan(snapshot);
    expect(state.lastScan).toBeUndefined();
    first.unbind();
    expect(state.agent?.subscribers()).toBe(7);
    second.observeScan(snapshot);
    second.unbind();
    expect(state.agent).toBeUndefined();
    expect(state.lastScan).toBeUndefined();
  });

  it("reads the store's size at most every STORE_SIZE_TTL_MS, and undefined while the store fails", () => {
    const state = newAgentMetricsState();
    let now = 0;
    let reads = 0;
    let fails = false;
    const storeBytes = () => {
      reads++;
      if (fails) throw new Error("the snapshot store cannot be opened");
      return 1000 * reads;
    };
    bindAgentMetrics({ ...gauges, storeBytes }, state, () => now);
    expect(state.agent?.storeBytes()).toBe(1000);
    now += STORE_SIZE_TTL_MS - 1;
    expect(state.agent?.storeBytes()).toBe(1000);
    now += 1;
    expect(state.agent?.storeBytes()).toBe(2000);
    fails = true;
    now += STORE_SIZE_TTL_MS;
    expect(state.agent?.storeBytes()).toBeUndefined();
    expect(reads).toBe(3);
  });
});
