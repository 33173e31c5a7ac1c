/**
 * The simulated cluster (test/cluster/): 3 nodes × 3 pods, each node with its own `nsatlas agent`, seen
 * from the hub netns as a hub would see them: the headless Service's DNS, every agent's snapshot against
 * the cluster's manifest, the vxlan overlay (a real ping between pods on two nodes), a new pod on an
 * agent's event stream, a killed agent, and a teardown that leaves nothing. Independent of the
 * single-node lab; everything it makes carries the prefix "nscit".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeEventSchema } from "../../server/contract/events";
import { snapshotSchema, type Interface, type Netns, type Snapshot } from "../../server/contract/snapshot";
import { sleep } from "../lab/sh";
import { clusterDown, clusterUp, type Cluster } from "../cluster/cluster";
import { clusterLeftovers } from "../cluster/leftovers";
import type { ClusterNode } from "../cluster/manifest";
import { cmdlineOf } from "../cluster/proc";

const PREFIX = "nscit";
const TOKEN = "cluster-lab-test-token-0123456789";
const NODES = 3;
const PODS = 3;
let cluster: Cluster;

beforeAll(async () => {
  await clusterDown(PREFIX);
  const started = Date.now();
  cluster = await clusterUp({ prefix: PREFIX, nodes: NODES, podsPerNode: PODS, agents: true, token: TOKEN });
  console.log(`cluster-lab: ${NODES} nodes × ${PODS} pods with agents up in ${Date.now() - started} ms`);
}, 180_000);

// Whatever happened above, nothing of the cluster outlives the file.
afterAll(() => clusterDown(PREFIX), 60_000);

function ipOf(cidr: string | undefined): string {
  const ip = cidr?.split("/")[0];
  if (ip === undefined || ip === "") throw new Error(`no address in ${cidr}`);
  return ip;
}

async function snapshotOf(node: ClusterNode): Promise<Snapshot> {
  return cluster.hub.json(`${cluster.agentUrl(node.name)}/api/v1/snapshot`, snapshotSchema);
}

function iface(netns: Netns | undefined, name: string): Interface {
  const found = netns?.interfaces.find((i) => i.name === name);
  if (found === undefined) throw new Error(`no ${name} in netns ${netns?.id ?? "(missing)"}`);
  return found;
}

function hasAddress(i: Interface, cidr: string | undefined): boolean {
  const [address, prefix] = (cidr ?? "").split("/");
  return i.addresses.some((a) => a.address === address && a.prefixLength === Number(prefix));
}

/** The agent's scan count: the first scan after a client subscribes is the baseline its events are measured against. */
async function scanCount(node: ClusterNode): Promise<number> {
  const res = await cluster.hub.get(`${cluster.agentUrl(node.name)}/metrics`);
  return Number(/^nsatlas_scan_duration_seconds_count (\d+)/m.exec(res.body)?.[1] ?? -1);
}

describe("the simulated cluster, seen from the hub netns", () => {
  it("answers the headless Service's name with every node agent's address", async () => {
    const m = cluster.manifest;
    const expected = m.nodes.map((n) => ipOf(n.eth0.cidr)).sort();
    const lookup = await cluster.hub.lookup(m.serviceName);
    expect("addresses" in lookup ? lookup.addresses.map((a) => a.address).sort() : lookup).toEqual(expected);
    const resolved = await cluster.hub.resolve4(m.serviceName);
    expect("addresses" in resolved ? resolved.addresses.map((a) => a.address).sort() : resolved).toEqual(expected);
  });

  it("has every agent refuse a request without the token", async () => {
    for (const node of cluster.manifest.nodes) {
      expect((await cluster.hub.get(`${cluster.agentUrl(node.name)}/api/v1/snapshot`, { auth: false })).status).toBe(401);
      expect((await cluster.hub.get(`${cluster.agentUrl(node.name)}/readyz`, { auth: false })).status).toBe(200);
    }
  });

  it("has each agent report its own node name and exactly that node's namespaces, interfaces and pods", async () => {
    for (const node of cluster.manifest.nodes) {
      const s = await snapshotOf(node);
      expect(s.node.name).toBe(node.name);
      expect(s.node.hostname).toBe(node.hostname);
      expect(s.netns.map((n) => n.id).sort()).toEqual([node.netnsId, ...node.pods.map((p) => p.netnsId)].sort());
      const host = s.netns.find((n) => n.isHost);
      expect(host?.id).toBe(node.netnsId);

      const eth0 = iface(host, "eth0");
      expect([eth0.kind, eth0.mac, hasAddress(eth0, node.eth0.cidr)]).toEqual(["veth", node.eth0.mac, true]);
      const cni0 = iface(host, "cni0");
      expect([cni0.kind, cni0.mac, hasAddress(cni0, node.cni0.cidr)]).toEqual(["bridge", node.cni0.mac, true]);
      const vxlan0 = iface(host, "vxlan0");
      expect(vxlan0.kind).toBe("vxlan");
      expect(vxlan0.mac).toBe(node.vxlan0.mac);
      expect(vxlan0.masterIfindex).toBe(cni0.ifindex);
      expect(vxlan0.parent).toEqual({ netnsId: node.netnsId, ifindex: eth0.ifindex });
      expect(vxlan0.vxlan).toMatchObject({ id: node.vxlan0.vni, local: node.vxlan0.local, port: node.vxlan0.port });

      for (const pod of node.pods) {
        const ns = s.netns.find((n) => n.id === pod.netnsId);
        const podEth0 = iface(ns, "eth0");
        expect([podEth0.mac, hasAddress(podEth0, pod.eth0.cidr)]).toEqual([pod.eth0.mac, true]);
        const hostVeth = iface(host, pod.hostVeth.name);
        expect([hostVeth.mac, hostVeth.masterIfindex, hostVeth.peer]).toEqual([
          pod.hostVeth.mac,
          cni0.ifindex,
          { netnsId: pod.netnsId, ifindex: podEth0.ifindex },
        ]);
        if (pod.kind === "ip-netns") {
          expect(ns?.owners).toContainEqual({ kind: "ip-netns", name: pod.name });
          expect(ns?.refs).toContainEqual(expect.objectContaining({ kind: "bind-mount", path: pod.netnsPath }));
        } else {
          // The agent sees the node's own /proc: the holder by its PID inside the node.
          expect(ns?.owners).toContainEqual(expect.objectContaining({ kind: "process", pid: pod.nodePid, name: `${pod.name} 2147483647` }));
        }
      }
    }
  });

  it("shows vxlan0's VNI, local address, parent and its FDB: one flood entry per peer node, as the lab made them", async () => {
    const node = cluster.node("node-1");
    const host = (await snapshotOf(node)).netns.find((n) => n.isHost);
    const vxlan0 = iface(host, "vxlan0");
    expect(node.vxlan0.remotes.length).toBeGreaterThan(0);
    // No `remote` (nolearning, one all-zero FDB entry per peer node, as flannel and Calico keep per-VTEP entries): the peers are the FDB.
    expect(vxlan0.vxlan?.remote).toBeUndefined();
    expect(vxlan0.vxlan).toMatchObject({ id: cluster.manifest.vxlan.vni, local: node.vxlan0.local, port: cluster.manifest.vxlan.port });
    expect(vxlan0.parent).toEqual({ netnsId: host?.id, ifindex: iface(host, "eth0").ifindex });
    const floods = (vxlan0.vxlan?.fdb ?? []).filter((e) => e.mac === "00:00:00:00:00:00");
    expect(floods.map((e) => e.dst).sort()).toEqual([...node.vxlan0.remotes].sort());
    expect(floods.every((e) => e.isStatic)).toBe(true);
  });

  it("carries a ping from a pod on node-1 to pods on node-3 over the vxlan overlay", () => {
    const target = cluster.node("node-3").pods;
    for (const [from, to] of [
      ["pod-1-1", "pod-3-3"],
      ["pod-1-2", "pod-3-1"],
    ] as const) {
      const ip = ipOf(target.find((p) => p.name === to)?.eth0.cidr);
      expect(cluster.ping("node-1", from, ip, 2)).toMatch(/2 packets received|2 received/);
    }
  });

  it("reports a pod added to a node on that agent's event stream within 3 s, and its removal", async () => {
    const node = cluster.node("node-2");
    const before = await scanCount(node);
    const events = await cluster.hub.events(`${cluster.agentUrl(node.name)}/api/v1/events`);
    try {
      expect(events.status).toBe(200);
      // Wait for the baseline scan the stream's first event is measured against.
      for (let i = 0; i < 100 && (await scanCount(node)) <= before; i++) await sleep(100);
      const added = Date.now();
      const pod = await cluster.addPod(node.name, "late-pod-1");
      const frame = await events.next((f) => f.event === "change" && changeEventSchema.parse(JSON.parse(f.data)).added.includes(pod.netnsId), 3000);
      expect(frame.receivedAt - added).toBeLessThan(3000);
      expect(changeEventSchema.parse(JSON.parse(frame.data)).node).toBe(node.name);
      const s = await snapshotOf(node);
      expect(
        hasAddress(
          iface(
            s.netns.find((n) => n.id === pod.netnsId),
            "eth0",
          ),
          pod.eth0.cidr,
        ),
      ).toBe(true);
      expect(cluster.node(node.name).pods.map((p) => p.name)).toContain("late-pod-1");

      const removed = Date.now();
      await cluster.removePod(node.name, "late-pod-1");
      const gone = await events.next((f) => f.event === "change" && changeEventSchema.parse(JSON.parse(f.data)).removed.includes(pod.netnsId), 3000);
      expect(gone.receivedAt - removed).toBeLessThan(3000);
      expect(cluster.node(node.name).pods.map((p) => p.name)).not.toContain("late-pod-1");
    } finally {
      events.close();
    }
  });

  it("refuses connections to a killed agent while the other nodes still answer, and brings it back", async () => {
    const node = cluster.node("node-3");
    const agent = node.agent;
    await cluster.killAgent(node.name);
    expect(agent?.pid === null || agent?.pid === undefined ? "no pid" : cmdlineOf(agent.pid)).not.toBe(agent?.command);
    expect(cluster.agentsRss().perNode[node.name]).toBeUndefined();
    expect(cluster.node(node.name).agent).toMatchObject({ state: "stopped", pid: null });
    const refused = await cluster.hub.get(`${cluster.agentUrl(node.name)}/readyz`, { auth: false, timeoutMs: 3000 });
    expect([refused.status, refused.headers["x-gateway-error"]]).toEqual([502, "ECONNREFUSED"]);
    for (const other of ["node-1", "node-2"]) expect((await cluster.hub.get(`${cluster.agentUrl(other)}/readyz`, { auth: false })).status).toBe(200);

    await cluster.restartAgent(node.name);
    expect((await cluster.hub.get(`${cluster.agentUrl(node.name)}/readyz`, { auth: false })).status).toBe(200);
    expect((await snapshotOf(cluster.node(node.name))).node.name).toBe("node-3");
  });

  it("tears down leaving nothing behind", async () => {
    await clusterDown(PREFIX);
    expect(clusterLeftovers(PREFIX)).toEqual([]);
    await clusterDown(PREFIX); // idempotent
  });
});
