/** toOverview: the snapshot the polling pages get, without routes and counters (recorded lab snapshot). */
import { describe, expect, it } from "vitest";
import { snapshotOverviewSchema } from "../../../server/contract/snapshot";
import { toOverview } from "../../../server/snapshot/to-overview";
import { labSnapshot } from "../../fixtures/lab-snapshot";

describe("toOverview", () => {
  it("drops each namespace's routes and each interface's counters, and nothing else", () => {
    const snapshot = labSnapshot();
    const before = structuredClone(snapshot);
    const overview = toOverview(snapshot);
    expect(snapshotOverviewSchema.safeParse(overview).success).toBe(true);
    expect(snapshot).toEqual(before); // the memoised snapshot is shared: never changed
    expect(overview.netns.length).toBeGreaterThan(1);
    expect(overview.netns).toHaveLength(snapshot.netns.length);
    expect(overview.netns.some((n) => n.interfaces.length > 0)).toBe(true);
    for (const [k, n] of overview.netns.entries()) {
      const full = snapshot.netns[k];
      expect(n).not.toHaveProperty("routes");
      for (const i of n.interfaces) expect(i).not.toHaveProperty("stats");
      expect({
        ...n,
        interfaces: n.interfaces.map((i) => ({ ...i, stats: full?.interfaces.find((f) => f.ifindex === i.ifindex)?.stats })),
        routes: full?.routes,
      }).toEqual(full);
    }
    expect(snapshot.netns.some((n) => n.routes.length > 0 && n.interfaces.some((i) => i.stats !== undefined))).toBe(true);
    expect(JSON.stringify(overview).length).toBeLessThan(JSON.stringify(snapshot).length * 0.7);
    const { netns: _a, ...restOverview } = overview;
    const { netns: _b, ...restFull } = snapshot;
    expect(restOverview).toEqual(restFull);
  });
});
