/**
 * Frozen cluster snapshots over the simulated cluster (test/cluster/, docs/hub.md "Frozen cluster snapshots"): 3 nodes
 * with their real agents and the REAL dashboard in hub mode in the cluster's hub netns. A freeze keeps every node's
 * snapshot; a namespace removed and one added afterwards change the live answers but not the frozen ones; an agent
 * killed at freeze time is missing with its reason; a hub restarted on the same data directory still serves it. Nothing
 * is written to the data directory before the first freeze. Everything it makes carries the prefix "nshs".
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterNodesSchema, clusterSnapshotListSchema, clusterSnapshotSchema, type ClusterSnapshot } from "../../server/contract/cluster";
import { problemSchema } from "../../server/contract/problem";
import { netnsSchema, snapshotOverviewSchema, snapshotSchema } from "../../server/contract/snapshot";
import { clusterDown, clusterUp, type Cluster } from "../cluster/cluster";
import type { ClusterPod } from "../cluster/manifest";
import { agentsByDns, ensureDashboardBuild, startHubDashboard, type HubDashboard } from "./helpers/hub-dashboard";
import { within } from "./helpers/within";

const PREFIX = "nshs";
const TOKEN = "hub-snapshots-token-0123456789";
let cluster: Cluster;
let hub: HubDashboard;
let dataDir: string;
const started: HubDashboard[] = [];

async function startHub(): Promise<HubDashboard> {
  const dashboard = await startHubDashboard(cluster, {
    NSATLAS_AGENTS: agentsByDns(cluster),
    NSATLAS_DATA_DIR: dataDir,
  });
  started.push(dashboard);
  return dashboard;
}

beforeAll(async () => {
  ensureDashboardBuild();
  await clusterDown(PREFIX);
  cluster = await clusterUp({ prefix: PREFIX, nodes: 3, podsPerNode: 2, agents: true, token: TOKEN });
  dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-hub-frozen-")), "data");
  fs.mkdirSync(dataDir);
  hub = await startHub();
}, 900_000);

afterAll(async () => {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
  await clusterDown(PREFIX);
  if (dataDir !== undefined) fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
}, 120_000);

/** POST through the hub gateway with the bearer token (or without it), the whole answer read. */
function post(pathAndQuery: string, options: { isBearer?: boolean } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      socketPath: cluster.hub.socket,
      path: `${hub.base}${pathAndQuery}`,
      method: "POST",
      agent: false,
      headers: { ...(options.isBearer === false ? {} : { authorization: `Bearer ${TOKEN}` }), "content-length": "0", "x-gateway-timeout-ms": "30000" },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function freeze(): Promise<{ record: ClusterSnapshot; location: string | undefined; ms: number }> {
  const t = performance.now();
  const res = await post("/api/v1/cluster/snapshots");
  const ms = Math.round(performance.now() - t);
  if (res.status !== 201) throw new Error(`freeze: ${res.status} ${res.body.slice(0, 500)}`);
  return {
    record: clusterSnapshotSchema.parse(JSON.parse(res.body)),
    location: typeof res.headers.location === "string" ? res.headers.location : undefined,
    ms,
  };
}

const upNodes = async () =>
  clusterNodesSchema
    .parse(await hub.json("/api/v1/cluster/nodes"))
    .nodes.filter((n) => n.state === "up")
    .map((n) => n.name);
const liveIds = async (node: string) => snapshotOverviewSchema.parse(await hub.json(`/api/v1/n/${node}/snapshot?view=overview`)).netns.map((n) => n.id);
const frozenIds = async (node: string, at: string) => snapshotSchema.parse(await hub.json(`/api/v1/n/${node}/snapshot?at=${at}`)).netns.map((n) => n.id);

function storeBytes(): number {
  return fs.readdirSync(dataDir).reduce((sum, f) => sum + fs.statSync(path.join(dataDir, f)).size, 0);
}

describe("frozen cluster snapshots on the simulated cluster", () => {
  let first: ClusterSnapshot;
  let removed: ClusterPod;
  let added: ClusterPod;

  it("writes nothing to the data directory until the first freeze", async () => {
    await within("all nodes up", 30_000, async () => (await upNodes()).length === 3);
    expect(clusterSnapshotListSchema.parse(await hub.json("/api/v1/cluster/snapshots"))).toEqual({ snapshots: [], isAvailable: true });
    expect(fs.readdirSync(dataDir)).toEqual([]);
    expect((await post("/api/v1/cluster/snapshots", { isBearer: false })).status).toBe(401);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it("freezes every node: each one's snapshot kept, with its namespace count", async () => {
    removed = await cluster.addPod("node-1", "frozen-then-gone");
    await within("the new pod in node-1's overview", 10_000, async () => (await liveIds("node-1")).includes(removed.netnsId));
    const { record, location, ms } = await freeze();
    first = record;
    expect(location).toBe(`/api/v1/cluster/snapshots/${record.id}`);
    expect(record.missing).toEqual([]);
    expect(record.partial).toBe(false);
    expect(record.nodes.map((n) => n.name)).toEqual(cluster.manifest.nodes.map((n) => n.name));
    for (const node of cluster.manifest.nodes) {
      const frozen = record.nodes.find((n) => n.name === node.name);
      expect(frozen?.netnsCount).toBe(node.pods.length + 1);
    }
    fs.readdirSync(dataDir).forEach((f) => expect(f).toMatch(/^nsatlas\.db/));
    const bytes = storeBytes();
    console.log(`hub-snapshots: froze 3 nodes in ${ms} ms (POST through the gateway); store ${bytes} bytes on disk, ~${Math.round(bytes / 3)} per node`);
    expect(clusterSnapshotSchema.parse(await hub.json(location ?? ""))).toEqual(record);
  });

  it("still shows the frozen state at its id after a namespace was removed and another added, while live shows the new", async () => {
    await cluster.removePod("node-1", "frozen-then-gone");
    added = await cluster.addPod("node-2", "after-the-freeze");
    await within("node-1 without the removed pod", 10_000, async () => !(await liveIds("node-1")).includes(removed.netnsId));
    await within("node-2 with the added pod", 10_000, async () => (await liveIds("node-2")).includes(added.netnsId));

    expect(await frozenIds("node-1", first.id)).toContain(removed.netnsId);
    expect(await frozenIds("node-2", first.id)).not.toContain(added.netnsId);
    const then = await hub.get(`/api/v1/n/node-1/netns/${removed.netnsId}?at=${first.id}`);
    expect([then.status, netnsSchema.parse(JSON.parse(then.body)).id]).toEqual([200, removed.netnsId]);
    // Kept as the history keeps a snapshot: every namespace with its listening sockets (none here is an answer, not a gap).
    const frozenFull = snapshotSchema.parse(await hub.json(`/api/v1/n/node-1/snapshot?at=${first.id}`));
    expect(frozenFull.netns.length).toBeGreaterThan(0);
    for (const n of frozenFull.netns.filter((x) => !x.isGone)) expect(Array.isArray(n.listeners), n.id).toBe(true);
    expect((await hub.get(`/api/v1/n/node-1/netns/${removed.netnsId}`)).status).toBe(404);
    const overview = snapshotOverviewSchema.parse(await hub.json(`/api/v1/n/node-1/snapshot?at=${first.id}&view=overview`));
    expect(overview.netns.find((n) => n.id === removed.netnsId)?.owners.map((o) => o.name)).toContain("frozen-then-gone");
    const unknown = await hub.get("/api/v1/n/node-1/snapshot?at=1795947746000-00000000");
    expect([unknown.status, problemSchema.parse(JSON.parse(unknown.body)).title]).toEqual([404, "No such cluster snapshot"]);
  });

  it("names an agent killed at freeze time as missing, with why, and keeps the others", async () => {
    await cluster.killAgent("node-3");
    await within("node-3 not up", 5000, async () => !(await upNodes()).includes("node-3"));
    const { record } = await freeze();
    expect(record.nodes.map((n) => n.name)).toEqual(["node-1", "node-2"]);
    expect(record.missing.map((m) => m.name)).toEqual(["node-3"]);
    expect(record.missing[0]?.reason).toMatch(/^unreachable: /);
    expect(record.partial).toBe(true);
    const missing = await hub.get(`/api/v1/n/node-3/snapshot?at=${record.id}`);
    const problem = problemSchema.parse(JSON.parse(missing.body));
    expect([missing.status, problem.title]).toEqual([404, `Node node-3 is not in cluster snapshot ${record.id}`]);
    expect(problem.detail).toMatch(/could not be read when the cluster was frozen: unreachable/);
    await cluster.restartAgent("node-3");
  });

  it("serves the frozen snapshots after the hub restarted on the same data directory", async () => {
    const before = clusterSnapshotListSchema.parse(await hub.json("/api/v1/cluster/snapshots")).snapshots;
    expect(before.length).toBe(2);
    await hub.stop();
    hub = await startHub();
    const after = clusterSnapshotListSchema.parse(await hub.json("/api/v1/cluster/snapshots")).snapshots;
    expect(after).toEqual(before);
    expect(after.map((s) => s.id)).toEqual([before[0]?.id, first.id]);
    expect(await frozenIds("node-1", first.id)).toContain(removed.netnsId);
  });
});
