import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { snapshotOverviewSchema, type SnapshotOverview } from "../../../server/contract/snapshot";
import { buildNodeIndex, labelOf, queryForms, searchIndexes, type NodeIndex } from "../../../server/hub/search-index";
import { toOverview } from "../../../server/snapshot/to-overview";
import { labSnapshot } from "../../fixtures/lab-snapshot";

/** The three node agents of a simulated cluster (test/cluster/), recorded by fixtures/record-cluster-overviews.ts. */
const clusterFixture = z
  .object({
    provenance: z.object({
      manifest: z.array(
        z.object({
          name: z.string(),
          eth0: z.string().optional(),
          pods: z.array(z.object({ name: z.string(), kind: z.string(), netnsId: z.string(), eth0: z.string().optional(), mac: z.string() })),
        }),
      ),
    }),
    overviews: z.array(snapshotOverviewSchema),
  })
  .parse(JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "fixtures/cluster-overviews.json"), "utf8")));

const clusterIndexes: NodeIndex[] = clusterFixture.overviews.map((o) => buildNodeIndex(o.node.name, o));
const lab: SnapshotOverview = toOverview(labSnapshot());
const labIndex = buildNodeIndex("lab node/with odd?name", lab);

const search = (q: string, indexes: NodeIndex[] = clusterIndexes, max?: number) => searchIndexes(indexes, q, max);

describe("the search index over a simulated cluster's overviews", () => {
  const manifest = clusterFixture.provenance.manifest;

  it("finds each pod's namespace by its ip netns name or its holder's command line, on the right node", () => {
    for (const node of manifest) {
      for (const pod of node.pods) {
        const { results } = search(pod.name);
        const exact = results.filter((r) => r.match === pod.name || r.match.startsWith(`${pod.name} `));
        expect(exact[0], pod.name).toMatchObject({ node: node.name, netnsId: pod.netnsId, kind: pod.kind === "ip-netns" ? "ip-netns" : "process" });
      }
    }
  });

  it("finds every pod's address and MAC, and each node's own address, on the right node and namespace", () => {
    for (const node of manifest) {
      for (const pod of node.pods) {
        const ip = pod.eth0?.split("/")[0] ?? "";
        expect(search(ip).results[0], ip).toMatchObject({ node: node.name, netnsId: pod.netnsId, kind: "address", match: ip, isHost: false });
        expect(search(pod.mac.toUpperCase().replace(/:/g, "-")).results[0]).toMatchObject({
          node: node.name,
          netnsId: pod.netnsId,
          kind: "mac",
          match: pod.mac,
        });
      }
      const own = node.eth0?.split("/")[0] ?? "";
      const [hit] = search(`${own}/24`).results;
      expect(hit).toMatchObject({ node: node.name, kind: "address", isHost: true, match: own });
      expect(hit?.label).toBe(`${own}/24 on eth0 in ${node.name} (host)`);
    }
  });

  it("ranks exact matches first, then prefixes, then substrings, by node", () => {
    const { results } = search("10.244.1.");
    expect(results.length).toBeGreaterThanOrEqual(4);
    expect(new Set(results.map((r) => r.node))).toEqual(new Set(["node-1"]));
    const eth0 = search("eth0").results;
    // Every namespace has an eth0: all exact, node by node.
    expect(eth0.map((r) => r.node)).toEqual([...eth0.map((r) => r.node)].sort());
    expect(eth0).toHaveLength(manifest.reduce((n, node) => n + node.pods.length + 1, 0));
    const veth = search("veth").results.map((r) => r.match);
    expect(veth.every((m) => m.startsWith("veth"))).toBe(true);
    const ranked = search("pod-1").results.map((r) => r.match);
    expect(ranked.slice(0, 3).every((m) => m.startsWith("pod-1"))).toBe(true);
  });

  it("answers nothing for no match, and caps the answer", () => {
    expect(search("no-such-thing")).toEqual({ results: [], truncated: false });
    expect(search("   ")).toEqual({ results: [], truncated: false });
    const capped = search("e", clusterIndexes, 5);
    expect(capped.results).toHaveLength(5);
    expect(capped.truncated).toBe(true);
  });
});

describe("the search index over the single-node lab (pods, containers, podman)", () => {
  it("finds Kubernetes pods by namespace/name and name, linking to the pod's page with the node name encoded", () => {
    const [pod] = searchIndexes([labIndex], "nslab-shop/cart-0").results;
    expect(pod).toMatchObject({
      kind: "pod",
      netnsId: "4026533070",
      label: "pod nslab-shop/cart-0",
      href: "/n/lab%20node%2Fwith%20odd%3Fname/pods/nslab-shop/cart-0",
    });
    expect(searchIndexes([labIndex], "CART-0").results[0]).toMatchObject({ kind: "pod", match: "cart-0" });
  });

  it("finds containers by name, Kubernetes name and id prefix, never a sandbox, and an id only from its start", () => {
    const app = searchIndexes([labIndex], "app").results.filter((r) => r.kind === "container");
    expect(app.map((r) => r.label)).toEqual(
      expect.arrayContaining(["container app in pod nslab-shop/cart-0", "container app in pod nslab-pay/ledger-0", "container nslab-app"]),
    );
    expect(searchIndexes([labIndex], "k8s_POD_").results).toEqual([]);
    expect(searchIndexes([labIndex], "606e51c3").results[0]).toMatchObject({ kind: "container", label: "container app in pod nslab-shop/cart-0" });
    expect(searchIndexes([labIndex], "e51c3").results.filter((r) => r.kind === "container")).toEqual([]);
    expect(searchIndexes([labIndex], "nslab-web1").results[0]).toMatchObject({
      kind: "container",
      href: "/n/lab%20node%2Fwith%20odd%3Fname/containers/nslab-web1",
    });
  });

  it("finds podman pods, ip netns names (CNI ones too), interfaces, IPv6 addresses and MACs", () => {
    expect(searchIndexes([labIndex], "nslab-pod").results[0]).toMatchObject({ kind: "podman-pod", netnsId: "4026533379" });
    expect(searchIndexes([labIndex], "cni-4b15c1c9").results[0]).toMatchObject({ kind: "ip-netns", netnsId: "4026533226" });
    expect(searchIndexes([labIndex], "vx42").results[0]).toMatchObject({ kind: "interface", netnsId: "4026532178", label: "vx42 in netns nslab-a" });
    expect(searchIndexes([labIndex], "FD00:231:10::3").results[0]).toMatchObject({ kind: "address", netnsId: "4026532249" });
    expect(searchIndexes([labIndex], "02:42:ac:11:00:02").results[0]).toMatchObject({
      kind: "mac",
      netnsId: "4026532617",
      label: "02:42:ac:11:00:02 on eth0 in container nslab-web1",
    });
  });

  it("skips loopback devices and the all-zero MAC", () => {
    expect(labIndex.entries.some((e) => labelOf(e).startsWith("lo "))).toBe(false);
    expect(searchIndexes([labIndex], "00:00:00:00:00:00").results).toEqual([]);
  });
});

describe("queryForms", () => {
  it("lower-cases, and adds a MAC with colons for dashes and an address without its prefix length", () => {
    expect(queryForms(" AA-BB-CC-dd-ee-ff ")).toEqual(["aa-bb-cc-dd-ee-ff", "aa:bb:cc:dd:ee:ff"]);
    expect(queryForms("10.0.0.1/24")).toEqual(["10.0.0.1/24", "10.0.0.1"]);
    expect(queryForms("fd00::1/64")).toEqual(["fd00::1/64", "fd00::1"]);
    expect(queryForms("shop/web-0")).toEqual(["shop/web-0"]);
    expect(queryForms("  ")).toEqual([]);
  });

  it("still finds a name that looks like a MAC", () => {
    const index = buildNodeIndex("n", {
      netns: [
        { id: "1", isHost: false, refs: [], processCount: 0, owners: [{ kind: "ip-netns", name: "de-ad-be" }], interfaces: [], isGone: false, errors: [] },
      ],
    });
    expect(searchIndexes([index], "DE-AD-BE").results[0]).toMatchObject({ kind: "ip-netns", match: "de-ad-be" });
  });
});
