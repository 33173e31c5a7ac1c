/**
 * Hub mode over the simulated cluster (test/cluster/, docs/testing-cluster.md): 3 nodes × 3 pods with their real
 * agents, and the REAL dashboard (dist/dashboard.mjs + the .next build) run in the cluster's hub netns with
 * NSATLAS_AGENTS=dns:<the headless Service>:7471, asked through the hub gateway as a browser would ask the hub pod.
 * Nodes by name, search (pods, addresses, a new pod within 3 s), topology (the vxlan FDB gap, then a vxlan remote and
 * a host-gw route drawn), the per-node routes, an agent killed and restarted, a node leaving the Service's DNS and
 * coming back, a wrong agent token, garbage and another version behind NSATLAS_AGENTS, a bad entry at start. Everything
 * it makes carries the prefix "nshi" and is torn down after.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clusterNodesSchema,
  clusterSearchSchema,
  clusterTopologySchema,
  hubHealthSchema,
  type ClusterLink,
  type ClusterNodes,
  type ClusterSearch,
  type NodeState,
} from "../../server/contract/cluster";
import { lookupSchema } from "../../server/contract/lookups";
import { netnsSchema, snapshotOverviewSchema, snapshotSchema } from "../../server/contract/snapshot";
import { clusterDown, clusterUp, type Cluster } from "../cluster/cluster";
import { inNode } from "../cluster/exec";
import { clusterLeftovers } from "../cluster/leftovers";
import {
  agentsByDns,
  ensureDashboardBuild,
  hubDashboardExit,
  startFakeServerInHub,
  startHubDashboard,
  type FakeHubServer,
  type HubDashboard,
} from "./helpers/hub-dashboard";
import { within } from "./helpers/within";

const PREFIX = "nshi";
const TOKEN = "hub-integration-token-0123456789";
const NODES = ["node-1", "node-2", "node-3"];
let cluster: Cluster;
let hub: HubDashboard;
const started: Array<{ stop(): Promise<void> }> = [];

beforeAll(async () => {
  ensureDashboardBuild();
  await clusterDown(PREFIX);
  const t = Date.now();
  cluster = await clusterUp({ prefix: PREFIX, nodes: 3, podsPerNode: 3, agents: true, token: TOKEN });
  const up = Date.now() - t;
  hub = await startHubDashboard(cluster, { NSATLAS_AGENTS: agentsByDns(cluster) });
  started.push(hub);
  console.log(`hub: cluster up in ${up} ms, hub dashboard ready ${Date.now() - t - up} ms later`);
}, 900_000);

afterAll(async () => {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
  await clusterDown(PREFIX);
}, 120_000);

async function nodes(dashboard = hub): Promise<ClusterNodes> {
  return clusterNodesSchema.parse(await dashboard.json("/api/v1/cluster/nodes"));
}

async function search(q: string, dashboard = hub): Promise<ClusterSearch> {
  return clusterSearchSchema.parse(await dashboard.json(`/api/v1/cluster/search?q=${encodeURIComponent(q)}`));
}

const statesOf = async (dashboard = hub): Promise<Record<string, NodeState>> =>
  Object.fromEntries((await nodes(dashboard)).nodes.map((n) => [n.name, n.state]));

function ipOf(cidr: string | undefined): string {
  const ip = cidr?.split("/")[0];
  if (ip === undefined || ip === "") throw new Error(`no address in ${cidr}`);
  return ip;
}

describe("a hub following the simulated cluster's agents", () => {
  it("lists every node by the name its agent reports, all up, from the Service's DNS", async () => {
    await within("all nodes up", 20_000, async () => Object.values(await statesOf()).filter((s) => s === "up").length === 3);
    const { nodes: list, sources } = await nodes();
    expect(list.map((n) => [n.name, n.state, n.isNameKnown, n.version])).toEqual(NODES.map((n) => [n, "up", true, "0.1.0"]));
    for (const node of cluster.manifest.nodes) {
      const listed = list.find((n) => n.name === node.name);
      expect(listed?.address).toBe(cluster.agentUrl(node.name));
      expect(listed?.netnsCount).toBe(node.pods.length + 1);
      expect(listed?.links.page).toBe(`/n/${node.name}`);
    }
    expect(sources).toEqual([
      {
        entry: `dns:${cluster.manifest.serviceName}:7471`,
        kind: "dns",
        addresses: NODES.map((n) => cluster.agentUrl(n)),
        resolvedAt: expect.any(String),
      },
    ]);
  });

  it("reads no node itself: no scan, nothing stored (until someone freezes the cluster), the single-node routes refused with 409", async () => {
    const health = hubHealthSchema.parse(await hub.json("/api/v1/healthz"));
    expect(health.agent.scans).toBe(0);
    expect(health.runtimes).toEqual([]);
    expect(health.hub).toMatchObject({ isResolved: true, contractMajor: 0, nodes: { up: 3 } });
    expect(fs.readdirSync(hub.dataDir)).toEqual([]);
    const metrics = (await hub.get("/metrics")).body;
    expect(metrics).toMatch(/^nsatlas_scan_duration_seconds_count 0$/m);
    expect(metrics).toMatch(/^nsatlas_hub_nodes\{state="up"\} 3$/m);
    for (const path of ["/api/v1/snapshot", "/api/v1/netns/4026531840", "/api/v1/events", "/api/v1/snapshots"]) {
      const res = await hub.get(path);
      expect([path, res.status, JSON.parse(res.body).title]).toEqual([path, 409, "This dashboard is a hub"]);
    }
    // The same rules as the rest of the API: no token, no answer.
    expect((await hub.get("/api/v1/cluster/nodes", { auth: false })).status).toBe(401);
    expect((await hub.get("/readyz", { auth: false })).status).toBe(200);
  });

  it("finds a pod by name and an address on the right node, and a node's own address", async () => {
    for (const node of cluster.manifest.nodes) {
      for (const pod of node.pods) {
        const byName = (await search(pod.name)).results[0];
        expect(byName, pod.name).toMatchObject({ node: node.name, netnsId: pod.netnsId });
        const ip = ipOf(pod.eth0.cidr);
        expect((await search(ip)).results[0], ip).toMatchObject({ node: node.name, netnsId: pod.netnsId, kind: "address", match: ip });
      }
      const own = ipOf(node.eth0.cidr);
      expect((await search(own)).results[0]).toMatchObject({ node: node.name, netnsId: node.netnsId, isHost: true, kind: "address" });
    }
    const none = await search("no-such-pod-anywhere");
    expect(none).toEqual({ query: "no-such-pod-anywhere", results: [], truncated: false, partial: false, missing: [] });
    expect((await hub.get("/api/v1/cluster/search?q=")).status).toBe(400);
    expect((await hub.get(`/api/v1/cluster/search?q=${"a".repeat(201)}`)).status).toBe(400);
  });

  it("finds a pod added on a node within 3 s", async () => {
    const t = Date.now();
    const pod = await cluster.addPod("node-2", "late-pod-1");
    const ms = await within("late-pod-1 searchable", 3000, async () => (await search("late-pod-1")).results.some((r) => r.netnsId === pod.netnsId));
    console.log(`hub: a new pod searchable ${Date.now() - t} ms after addPod began (${ms} ms after it returned)`);
    expect((await search("late-pod-1")).results[0]).toMatchObject({ node: "node-2", kind: "ip-netns" });
  });

  it("answers the per-node routes: the overview from its cache, a namespace and the full snapshot from the agent", async () => {
    const node = cluster.node("node-1");
    const overview = await hub.get("/api/v1/n/node-1/snapshot?view=overview");
    expect([overview.status, overview.headers["x-nsatlas-source"], overview.headers["x-nsatlas-node"]]).toEqual([200, "hub-cache", "node-1"]);
    expect(snapshotOverviewSchema.parse(JSON.parse(overview.body)).node.name).toBe("node-1");
    const full = snapshotSchema.parse(await hub.json("/api/v1/n/node-1/snapshot"));
    expect(full.netns.find((n) => n.isHost)?.routes.length).toBeGreaterThan(0);
    const pod = node.pods[0];
    const netns = netnsSchema.parse(await hub.json(`/api/v1/n/node-1/netns/${pod?.netnsId ?? ""}`));
    expect(netns.interfaces.some((i) => i.name === "eth0")).toBe(true);
    expect((await hub.get("/api/v1/n/node-9/snapshot")).status).toBe(404);
    expect((await hub.get("/api/v1/n/node-1/netns/1")).status).toBe(404);
    const missing = await hub.get("/api/v1/n/node-1/pods/default/nope");
    expect([missing.status, JSON.parse(missing.body).title]).toEqual([404, "No pod default/nope"]);
    expect(lookupSchema.safeParse(JSON.parse(missing.body)).success).toBe(false);
  });

  it("never waits on a frozen agent for the cluster routes, and gives up on it after 2 s for its own", async () => {
    const pid = cluster.node("node-2").agent?.pid;
    if (pid === null || pid === undefined) throw new Error("node-2 has no running agent");
    // SIGSTOP, by the PID the cluster recorded: the kernel still accepts connections, nobody answers them.
    process.kill(pid, "SIGSTOP");
    try {
      let t = Date.now();
      const found = await search("pod-2-1");
      expect(Date.now() - t).toBeLessThan(1000);
      expect(found.results[0]).toMatchObject({ node: "node-2" });
      t = Date.now();
      expect((await hub.get("/api/v1/cluster/nodes")).status).toBe(200);
      expect(Date.now() - t).toBeLessThan(1000);
      t = Date.now();
      const frozen = await hub.get("/api/v1/n/node-2/snapshot");
      const waited = Date.now() - t;
      expect([frozen.status, JSON.parse(frozen.body).title]).toEqual([504, "Node node-2 did not answer in time"]);
      expect(waited).toBeGreaterThanOrEqual(1900);
      expect(waited).toBeLessThan(4000);
      // Its overview still comes from the hub's cache.
      expect((await hub.get("/api/v1/n/node-2/snapshot?view=overview")).headers["x-nsatlas-source"]).toBe("hub-cache");
    } finally {
      process.kill(pid, "SIGCONT");
    }
  });

  it("draws a link from every vxlan0 to each node its FDB floods to, a vxlan remote, and a host-gw route", async () => {
    const addressOf = (name: string) => (cluster.manifest.nodes.find((n) => n.name === name)?.eth0.cidr ?? "").split("/")[0] ?? "";
    const { vni, port } = cluster.manifest.vxlan;
    // The simulated overlay as the lab made it: an all-zero FDB entry on each node for every other node's eth0.
    const fdbLinks = NODES.flatMap((from) =>
      NODES.filter((to) => to !== from).map((to): ClusterLink => ({
        kind: "vxlan",
        from: { node: from, iface: "vxlan0" },
        to: { node: to, iface: "eth0" },
        via: "vxlan-fdb",
        address: addressOf(to),
        detail: `VNI ${vni} to ${addressOf(to)}:${port}`,
      })),
    );
    expect(fdbLinks.length).toBe(NODES.length * (NODES.length - 1));
    const before = clusterTopologySchema.parse(await hub.json("/api/v1/cluster/topology"));
    const byEnds = (links: typeof before.links) =>
      [...links].sort((a, b) => `${a.from.node}${a.to.node}${a.kind}`.localeCompare(`${b.from.node}${b.to.node}${b.kind}`));
    expect(byEnds(before.links)).toEqual(byEnds(fdbLinks));
    expect(before.notes).toEqual([]);
    const node1 = cluster.node("node-1");
    await inNode(
      node1.pid,
      "ip link add vxt0 type vxlan id 77 remote 10.250.0.13 dstport 4790 dev eth0 && ip link set vxt0 up && ip route add 10.99.3.0/24 via 10.250.0.13",
    );
    try {
      await within(
        "the new links",
        5000,
        async () => clusterTopologySchema.parse(await hub.json("/api/v1/cluster/topology")).links.length === fdbLinks.length + 2,
      );
      const after = clusterTopologySchema.parse(await hub.json("/api/v1/cluster/topology"));
      expect(byEnds(after.links.filter((l) => l.via !== "vxlan-fdb"))).toEqual(
        byEnds([
          {
            kind: "vxlan",
            from: { node: "node-1", iface: "vxt0" },
            to: { node: "node-3", iface: "eth0" },
            via: "vxlan-remote",
            address: "10.250.0.13",
            detail: "VNI 77 to 10.250.0.13:4790",
          },
          {
            kind: "route",
            from: { node: "node-1", iface: "eth0" },
            to: { node: "node-3", iface: "eth0" },
            via: "route",
            address: "10.250.0.13",
            detail: "10.99.3.0/24 via 10.250.0.13",
          },
        ]),
      );
      expect(after.partial).toBe(false);
    } finally {
      await inNode(node1.pid, "ip route del 10.99.3.0/24 || true; ip link del vxt0 || true");
    }
  });

  it("has a killed agent's node not up within 3 s while search answers for the others, and up again after a restart", async () => {
    const t = Date.now();
    await cluster.killAgent("node-3");
    const ms = await within("node-3 not up", 3000, async () => (await statesOf())["node-3"] !== "up");
    console.log(`hub: node-3 ${(await statesOf())["node-3"]} ${Date.now() - t} ms after the kill began (${ms} ms after it returned)`);
    const node3 = (await nodes()).nodes.find((n) => n.name === "node-3");
    expect(node3).toMatchObject({ state: "unreachable", error: expect.any(String) });
    const found = await search("pod-1-1");
    expect(found).toMatchObject({ partial: true, missing: ["node-3"] });
    expect(found.results[0]).toMatchObject({ node: "node-1" });
    expect((await search("pod-3-1")).results).toEqual([]);
    // A page asking the dead node fails fast and names it; the others answer.
    const dead = await hub.get("/api/v1/n/node-3/snapshot");
    expect([dead.status, JSON.parse(dead.body).title]).toEqual([502, "Node node-3 could not be read"]);
    expect((await hub.get("/api/v1/n/node-2/snapshot")).status).toBe(200);

    await cluster.restartAgent("node-3");
    const back = await within("node-3 up again", 20_000, async () => (await statesOf())["node-3"] === "up");
    console.log(`hub: node-3 up ${back} ms after its agent was ready again`);
    expect((await search("pod-3-1")).results[0]).toMatchObject({ node: "node-3" });
  });

  it("follows the Service's DNS: a node that leaves it is unreachable, and followed again when it is back", async () => {
    cluster.setServiceNodes(["node-1", "node-2"]);
    try {
      await within("node-3 gone from DNS", 20_000, async () => (await nodes()).nodes.find((n) => n.name === "node-3")?.state === "unreachable");
      const { nodes: list, sources } = await nodes();
      expect(list.find((n) => n.name === "node-3")?.error).toMatch(/left the answer of dns:/);
      expect(sources[0]?.addresses).toEqual([cluster.agentUrl("node-1"), cluster.agentUrl("node-2")]);
    } finally {
      cluster.setServiceNodes(NODES);
    }
    await within("node-3 back", 25_000, async () => (await statesOf())["node-3"] === "up");
    expect((await nodes()).nodes.map((n) => n.name)).toEqual(NODES);
  });
});

describe("hubs that cannot follow everything", () => {
  it("marks every node unauthorized when NSATLAS_AGENT_TOKEN is not the agents' token", async () => {
    const wrong = await startHubDashboard(cluster, {
      NSATLAS_AGENTS: `dns:${cluster.manifest.serviceName}:7471`,
      NSATLAS_AGENT_TOKEN: "not-the-agents-token-0123",
    });
    started.push(wrong);
    await within("all unauthorized", 10_000, async () => Object.values(await statesOf(wrong)).filter((s) => s === "unauthorized").length === 3);
    const listed = (await nodes(wrong)).nodes;
    // The agents never answered a snapshot: the nodes go by their addresses.
    expect(listed.map((n) => n.name)).toEqual(["10.250.0.11:7471", "10.250.0.12:7471", "10.250.0.13:7471"]);
    expect(listed[0]?.error).toMatch(/refused the hub's token \(HTTP 401\)/);
    expect((await search("pod-1-1", wrong)).missing).toHaveLength(3);
    await wrong.stop();
  });

  it("marks an agent answering garbage, and one of another version, leaving the others fine", async () => {
    const garbage: FakeHubServer = await startFakeServerInHub(cluster, 7498, {
      "*": { status: 200, contentType: "text/html", body: "<html>not an agent</html>" },
    });
    started.push(garbage);
    const future: FakeHubServer = await startFakeServerInHub(cluster, 7499, {
      "/api/v1/healthz": { status: 200, contentType: "application/json", body: JSON.stringify({ version: "99.0.0" }) },
      "*": { status: 404, contentType: "application/json", body: "{}" },
    });
    started.push(future);
    const mixed = await startHubDashboard(cluster, { NSATLAS_AGENTS: `dns:${cluster.manifest.serviceName}:7471,${garbage.url},${future.url}` });
    started.push(mixed);
    await within("states settled", 15_000, async () => {
      const s = await statesOf(mixed);
      return (
        s["node-1"] === "up" && s["node-2"] === "up" && s["node-3"] === "up" && s["127.0.0.1:7498"] === "error" && s["127.0.0.1:7499"] === "version-mismatch"
      );
    });
    const listed = (await nodes(mixed)).nodes;
    expect(listed.find((n) => n.name === "127.0.0.1:7498")?.error).toMatch(/healthz: the answer is not JSON/);
    expect(listed.find((n) => n.name === "127.0.0.1:7499")?.error).toMatch(/runs nsatlas 99\.0\.0; this hub \(0\.1\.0\) speaks contract 0\.x/);
    const found = await search("pod-2-2", mixed);
    expect(found.results[0]).toMatchObject({ node: "node-2" });
    expect(found.missing).toEqual(["127.0.0.1:7498", "127.0.0.1:7499"]);
    await mixed.stop();
  });

  it("refuses to start on a bad NSATLAS_AGENTS entry, with one line naming it", async () => {
    const { code, output } = await hubDashboardExit(cluster, { NSATLAS_AGENTS: `dns:${cluster.manifest.serviceName}:7471,10.250.0.11:7471` });
    expect(code).toBe(2);
    const lines = output.trim().split("\n");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "{}") as { level: string; msg: string; err: { message: string } };
    expect([line.level, line.msg]).toEqual(["fatal", "invalid configuration"]);
    expect(line.err.message).toBe(
      'NSATLAS_AGENTS entry 2 "10.250.0.11:7471" is not an agent address: use http://host:port, https://host:port or dns:<name>:<port>',
    );
  });
});

describe("teardown", () => {
  it("leaves nothing of the cluster behind", async () => {
    for (const s of started.reverse()) await s.stop();
    started.length = 0;
    await clusterDown(PREFIX);
    expect(clusterLeftovers(PREFIX)).toEqual([]);
  });
});
