/**
 * The hub's pages (components/cluster/) on data recorded from the simulated cluster (test/server/hub/fixtures/
 * cluster-overviews.json, 3 nodes × 3 pods): the node table with every state, search results (the hub's own search
 * over the recorded overviews), the node graph's model, and the URL plumbing of node pages (hrefs and API paths
 * under /n/<node>/, odd node names). Static renders: pure, no browser.
 */
import fs from "node:fs";
import path from "node:path";
import { QueryClient } from "@tanstack/react-query";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildClusterGraph } from "../../../components/cluster/cluster-graph-model";
import { NodeTable, SearchResults } from "../../../components/cluster/cluster-view";
import { isHubPage } from "../../../components/cluster/hub-shell";
import { ago, findNode, stateCounts } from "../../../components/cluster/node-state";
import { bindClientToNode, onNode } from "../../../components/data/node-client";
import { apiPaths, nodeApiPath, nodeHrefs } from "../../../components/url/routes";
import { NODE_STATES, clusterSearchSchema, nodeLinks, type ClusterNode, type NodeState } from "../../../server/contract/cluster";
import { snapshotOverviewSchema } from "../../../server/contract/snapshot";
import { buildNodeIndex, searchIndexes } from "../../../server/hub/search-index";

const fixture = z
  .object({ overviews: z.array(snapshotOverviewSchema) })
  .parse(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../server/hub/fixtures/cluster-overviews.json"), "utf8")));
const NOW = Date.parse("2025-01-01T12:00:00Z");
const iso = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();

/** A node as /api/v1/cluster/nodes lists it, from a recorded overview. */
function nodeOf(index: number, state: NodeState = "up", name?: string): ClusterNode {
  const o = fixture.overviews[index];
  if (o === undefined) throw new Error(`no overview ${index}`);
  const nodeName = name ?? o.node.name;
  return {
    name: nodeName,
    isNameKnown: true,
    state,
    stateSince: iso(120),
    address: `http://10.250.0.${11 + index}:7471`,
    source: "dns:nsatlas-agent:7471",
    version: "1.0.0",
    netnsCount: o.netns.length,
    podCount: 0,
    takenAt: iso(5),
    lastSeen: state === "up" ? iso(3) : iso(95),
    ...(state === "up" ? {} : { error: "connect ECONNREFUSED 10.250.0.13:7471" }),
    links: nodeLinks(nodeName),
  };
}

describe("the node table", () => {
  it("lists every recorded node with its counts and a link to its page", () => {
    const nodes = fixture.overviews.map((_, i) => nodeOf(i));
    const html = renderToStaticMarkup(<NodeTable nodes={nodes} />);
    for (const n of nodes) {
      expect(html).toContain(`data-node="${n.name}"`);
      expect(html).toContain(`href="/n/${n.name}"`);
    }
    expect(html.match(/data-state="up"/g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain("3 up");
  });

  it("shows every state with a badge, the last error and when it was last seen", () => {
    const nodes = NODE_STATES.map((state, i) => nodeOf(i % 3, state, `n-${state}`));
    const html = renderToStaticMarkup(<NodeTable nodes={nodes} />);
    for (const state of NODE_STATES) expect(html).toContain(`data-state="${state}"`);
    expect(html).toContain("ECONNREFUSED");
    expect(html).toContain("version mismatch");
  });

  it("says when there is no node yet", () => {
    expect(renderToStaticMarkup(<NodeTable nodes={[]} />)).toContain('data-testid="no-nodes"');
  });

  it("escapes and percent-encodes odd node names", () => {
    const odd = nodeOf(0, "unreachable", `<img src=x onerror=alert(1)> a/b?c#d`);
    const html = renderToStaticMarkup(<NodeTable nodes={[odd]} />);
    expect(html).not.toContain("<img");
    expect(html).toContain(`href="/n/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%20a%2Fb%3Fc%23d"`);
  });
});

describe("search results", () => {
  const indexes = fixture.overviews.map((o) => buildNodeIndex(o.node.name, o));
  const pod = fixture.overviews[1]?.netns.find((n) => n.owners.some((o) => o.kind === "ip-netns"));
  const podName = pod?.owners.find((o) => o.kind === "ip-netns")?.name ?? "";

  it("links each result to its page on its node, as the hub answers", () => {
    const outcome = searchIndexes(indexes, podName);
    const answer = clusterSearchSchema.parse({ query: podName, ...outcome, partial: false, missing: [] });
    const html = renderToStaticMarkup(<SearchResults answer={answer} />);
    expect(answer.results.length).toBeGreaterThan(0);
    expect(html).toContain(`href="/n/${fixture.overviews[1]?.node.name}/netns/${pod?.id}"`);
    expect(html).not.toContain("search-partial");
  });

  it("says which nodes were not searched, and when nothing matched", () => {
    const html = renderToStaticMarkup(<SearchResults answer={{ query: "zzz", results: [], truncated: false, partial: true, missing: ["node-3"] }} />);
    expect(html).toContain("node-3 is not up");
    expect(html).toContain("Nothing matches");
  });
});

describe("the node graph and the node pages' plumbing", () => {
  it("draws one box per node and the links between known nodes", () => {
    const nodes = [nodeOf(0), nodeOf(1), nodeOf(2, "unreachable")];
    const [a, b] = nodes;
    const graph = buildClusterGraph(nodes, [
      {
        kind: "vxlan",
        from: { node: a?.name ?? "", iface: "vxlan0" },
        to: { node: b?.name ?? "", iface: "eth0" },
        via: "vxlan-remote",
        address: "10.250.0.12",
        detail: "",
      },
      { kind: "route", from: { node: a?.name ?? "", iface: "eth0" }, to: { node: "gone" }, via: "route", address: "10.250.0.99", detail: "" },
    ]);
    expect(graph.nodes).toHaveLength(3);
    expect(graph.edges).toEqual([expect.objectContaining({ kind: "vxlan", label: "vxlan vxlan0 → eth0" })]);
  });

  it("keeps every page link under /n/<node>/ and every API read on the hub's passthrough", () => {
    const hrefs = nodeHrefs("a b/c");
    expect(hrefs.overview()).toBe("/n/a%20b%2Fc");
    expect(hrefs.netns("4026532", 7)).toBe("/n/a%20b%2Fc/netns/4026532#if-7");
    expect(hrefs.pod("shop", "web-0")).toBe("/n/a%20b%2Fc/pods/shop/web-0");
    expect(hrefs.topology("netns:1")).toBe("/n/a%20b%2Fc/topology?focus=netns%3A1");
    expect(nodeApiPath("n?1", apiPaths.snapshotOverview())).toBe("/api/v1/n/n%3F1/snapshot?view=overview");
    expect(nodeApiPath("n1", apiPaths.netns("42"))).toBe("/api/v1/n/n1/netns/42");
    expect(nodeApiPath("n1", apiPaths.container("c"))).toBe("/api/v1/n/n1/containers/c");
    // What the hub does not pass through stays as it is (and answers 409 on a hub).
    expect(nodeApiPath("n1", apiPaths.snapshots())).toBe("/api/v1/snapshots");
    expect(nodeApiPath("n1", apiPaths.diff("x"))).toBe(apiPaths.diff("x"));
    const client = new QueryClient();
    expect(onNode(client, apiPaths.pod("a", "b"))).toBe("/api/v1/pods/a/b");
    bindClientToNode(client, "node-1");
    expect(onNode(client, apiPaths.pod("a", "b"))).toBe("/api/v1/n/node-1/pods/a/b");
  });

  it("tells the hub's pages from the single-node ones, counts states, finds the node a name means", () => {
    expect(["/", "/cluster", "/n/x", "/n/x/netns/1", "/health", "/login"].every(isHubPage)).toBe(true);
    expect(["/topology", "/netns/1", "/pods/a/b", "/containers/c", "/nx"].some(isHubPage)).toBe(false);
    const twice = [nodeOf(0, "unreachable", "dup"), nodeOf(1, "up", "dup")];
    expect(findNode(twice, "dup")?.state).toBe("up");
    expect(stateCounts([...twice, nodeOf(2)])).toEqual([
      { state: "up", count: 2 },
      { state: "unreachable", count: 1 },
    ]);
    expect(ago(iso(95), NOW)).toBe("2 min ago");
    expect(ago(null, NOW)).toBe("never");
  });
});
