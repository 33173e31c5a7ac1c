import { describe, expect, it } from "vitest";
import { findAnomalies } from "../../../server/anomalies/find-anomalies";
import { labSnapshot } from "../../fixtures/lab-snapshot";

// Each flag is provoked on the real lab in test/integration/anomalies.test.ts; here, the rules' edges.
const snapshot = labSnapshot();

describe("findAnomalies", () => {
  it("flags nothing on the recorded clean lab, alone or against itself", () => {
    expect(findAnomalies(snapshot)).toEqual([]);
    expect(findAnomalies(snapshot, snapshot)).toEqual([]);
  });

  it("does not call the lab's odd-path mount (no process, no owner) a leak: only engines' paths are", () => {
    const odd = snapshot.netns.find((n) => n.owners.length === 0 && n.refs.every((r) => r.kind === "bind-mount"));
    expect(odd).toBeDefined();
    expect(findAnomalies(snapshot).filter((a) => a.kind === "leaked-netns")).toEqual([]);
  });

  it("does not compare counters of a reused inode that now belongs to someone else", () => {
    const target = snapshot.netns.find((n) => !n.isHost && n.owners.some((o) => o.kind === "docker-container"));
    if (target === undefined) throw new Error("no container in the fixture");
    const earlier = {
      netns: snapshot.netns.map((n) =>
        n.id === target.id
          ? {
              ...n,
              owners: [{ kind: "ip-netns" as const, name: "another" }],
              interfaces: n.interfaces.map((i) => (i.stats ? { ...i, stats: { ...i.stats, txDropped: 0, rxDropped: 0, rxErrors: 0, txErrors: 0 } } : i)),
            }
          : n,
      ),
    };
    expect(findAnomalies(snapshot, earlier).filter((a) => a.kind === "counters-rising")).toEqual([]);
  });
});
