/** The overview's pure model, on a real snapshot taken from the lab (recorded by test/fixtures/record-snapshot.ts). */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { filterRows, nodeCounts, sortRows, toRows } from "../../../components/overview/overview-model";
import { parseOverviewParams } from "../../../components/url/search-params";
import { snapshotSchema } from "../../../server/contract/snapshot";

const recorded = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../fixtures/snapshot/lab-snapshot.json"), "utf8"));
const snapshot = snapshotSchema.parse(recorded.snapshot);
const rows = toRows(snapshot);
const params = (q: string) => parseOverviewParams(new URLSearchParams(q));

describe("overview model", () => {
  it("counts what the snapshot holds", () => {
    const counts = nodeCounts(snapshot);
    expect(counts.namespaces).toBe(snapshot.netns.length);
    const pods = snapshot.netns.flatMap((n) => n.owners).filter((o) => o.kind === "kubernetes-pod" || o.kind === "podman-pod");
    expect(counts.pods).toBe(pods.length);
    const veths = snapshot.netns.flatMap((n) => n.interfaces).filter((i) => i.kind === "veth" && i.peer);
    expect(counts.vethPairs * 2).toBe(veths.length);
  });

  it("finds a namespace by an owner name, an address, a MAC or an interface name; every word must match", () => {
    const pod = snapshot.netns.find((n) => n.owners.some((o) => o.kind === "kubernetes-pod"));
    const eth0 = pod?.interfaces.find((i) => i.name === "eth0");
    const podName = pod?.owners.find((o) => o.kind === "kubernetes-pod")?.name ?? "";
    for (const q of [podName, eth0?.addresses[0]?.address ?? "", eth0?.mac ?? ""]) {
      expect(q, "an empty search matches every row").not.toBe("");
      expect(
        filterRows(rows, params(`q=${encodeURIComponent(q)}`)).map((r) => r.netns.id),
        q,
      ).toContain(pod?.id);
    }
    expect(filterRows(rows, params(`q=${encodeURIComponent(`${podName} no-such-word`)}`))).toEqual([]);
  });

  it("finds a pod by one of its labels, as key=value", () => {
    const pod = snapshot.netns.find((n) => n.owners.some((o) => o.kind === "kubernetes-pod" && o.labels !== undefined));
    const owner = pod?.owners.find((o) => o.kind === "kubernetes-pod");
    const uid = owner && "uid" in owner ? owner.uid : "";
    const found = filterRows(rows, params(`q=${encodeURIComponent(`io.kubernetes.pod.uid=${uid}`)}`)).map((r) => r.netns.id);
    expect(found).toEqual([pod?.id]);
  });

  it("filters by owner kind and keeps the host first whatever the sort", () => {
    const onlyPods = filterRows(rows, params("kind=kubernetes-pod"));
    expect(onlyPods.length).toBeGreaterThan(0);
    expect(onlyPods.every((r) => r.netns.owners.some((o) => o.kind === "kubernetes-pod"))).toBe(true);
    for (const sort of ["owner", "id", "interfaces", "addresses"]) {
      for (const dir of ["asc", "desc"]) expect(sortRows(rows, params(`sort=${sort}&dir=${dir}`))[0]?.netns.isHost).toBe(true);
    }
  });

  it("sorts by interface count both ways", () => {
    expect(new Set(rows.slice(1).map((r) => r.netns.interfaces.length)).size).toBeGreaterThan(1);
    const asc = sortRows(rows, params("sort=interfaces&dir=asc"))
      .slice(1)
      .map((r) => r.netns.interfaces.length);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    const desc = sortRows(rows, params("sort=interfaces&dir=desc"))
      .slice(1)
      .map((r) => r.netns.interfaces.length);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
  });
});
