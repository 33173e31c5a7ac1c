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
    if (odd === undefined) throw new Error("no odd-path mount in the fixture");
    const leaks = (s: typeof snapshot) => findAnomalies(s).filter((a) => a.kind === "leaked-netns");
    expect(leaks(snapshot)).toEqual([]);
    // The same namespace under an engine's path is a leak.
    const underCni = {
      ...snapshot,
      netns: snapshot.netns.map((n) => (n.id === odd.id ? { ...n, refs: n.refs.map((r) => ({ ...r, path: "/run/netns/cni-0" })) } : n)),
    };
    expect(leaks(underCni).map((a) => a.places[0]?.netnsId)).toEqual([odd.id]);
  });

  it("flags an address held twice within one L2 segment, not across segments, in the order their first holders come", () => {
    // The lab's docker0 ports (one segment) and its c–d veth pair (another), given addresses on purpose.
    const addr = (address: string) => ({ family: "inet" as const, address, prefixLength: 24, scope: "universe" });
    const given = new Map([
      ["4026532320", [addr("172.17.0.2"), addr("10.9.9.9")]], // to-d
      ["4026532392", [addr("10.9.9.9")]], // to-c
      ["4026532692", [addr("172.17.0.2")]], // a docker container's eth0; 4026532617's eth0 already holds 172.17.0.2
    ]);
    const edited = {
      ...snapshot,
      netns: snapshot.netns.map((n) => {
        const addresses = given.get(n.id);
        return addresses === undefined ? n : { ...n, interfaces: n.interfaces.map((i) => (i.peer === undefined ? i : { ...i, addresses })) };
      }),
    };
    expect(edited.netns.filter((n) => given.has(n.id))).toHaveLength(3);
    const flags = findAnomalies(edited).filter((a) => a.kind === "duplicate-address");
    expect(flags.map((a) => a.places.map((p) => p.netnsId))).toEqual([
      ["4026532320", "4026532392"],
      ["4026532617", "4026532692"],
    ]);
    expect(flags.map((a) => a.message.split(" ")[0])).toEqual(["10.9.9.9", "172.17.0.2"]);
  });

  it("does not compare counters of a reused inode that now belongs to someone else", () => {
    const target = snapshot.netns.find((n) => !n.isHost && n.owners.some((o) => o.kind === "docker-container"));
    if (target === undefined) throw new Error("no container in the fixture");
    expect(target.interfaces.some((i) => i.stats !== undefined)).toBe(true);
    const later = {
      ...snapshot,
      netns: snapshot.netns.map((n) =>
        n.id === target.id
          ? { ...n, interfaces: n.interfaces.map((i) => (i.stats ? { ...i, stats: { ...i.stats, rxDropped: i.stats.rxDropped + 5 } } : i)) }
          : n,
      ),
    };
    const rising = (previous: Pick<typeof snapshot, "netns">) => findAnomalies(later, previous).filter((a) => a.kind === "counters-rising");
    // The same namespace losing packets is flagged...
    expect(rising(snapshot).map((a) => a.places[0]?.netnsId)).toContain(target.id);
    // ...but not when the inode belonged to another owner before.
    const reused = { netns: snapshot.netns.map((n) => (n.id === target.id ? { ...n, owners: [{ kind: "ip-netns" as const, name: "another" }] } : n)) };
    expect(rising(reused)).toEqual([]);
  });
});
