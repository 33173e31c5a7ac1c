/**
 * Frozen cluster snapshots over fake agents (server/hub/cluster-freeze.ts, cluster-snapshots.ts and their routes): every
 * known node read at once, each within its own deadline and byte limit; a failing, garbage, over-size or silent agent is
 * missing with its reason while the rest are kept; nothing stored (503) when no node answers; reads at the frozen id come
 * from the hub's store whatever the agents say now, also after the hub restarted.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterSnapshotListSchema, clusterSnapshotSchema, type ClusterSnapshot } from "../../../server/contract/cluster";
import { lookupSchema } from "../../../server/contract/lookups";
import { problemSchema } from "../../../server/contract/problem";
import { netnsSchema, snapshotOverviewSchema, snapshotSchema, type Snapshot } from "../../../server/contract/snapshot";
import { parseConfig } from "../../../server/config";
import { createHub, type Hub } from "../../../server/hub/hub";
import { nodeNetnsHandler, nodePodHandler, nodeSnapshotHandler } from "../../../server/http/handlers/cluster-handlers";
import { clusterFreezeHandler, clusterSnapshotHandler, clusterSnapshotListHandler } from "../../../server/http/handlers/cluster-snapshot-handlers";
import { storeFile } from "../../../server/store/snapshot-store";
import { labSnapshot } from "../../fixtures/lab-snapshot";
import { fakeAgent, type FakeAgent } from "./fake-agent";
import { toOverview } from "../../../server/snapshot/to-overview";

process.env.NSATLAS_LOG_LEVEL = "silent";

const TOKEN = "hub-unit-token-0123456789";
const MAX_BYTES = 1024 * 1024;
const base = labSnapshot();
const onNode = (name: string, id: string): Snapshot => ({ ...base, id, node: { ...base.node, name } });

let dir: string;
let agents: Record<"a" | "b" | "garbage" | "big" | "silent", FakeAgent>;
let hub: Hub;

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const get = (p: string) => new Request(`http://hub${p}`);
const post = () =>
  new Request("http://hub/api/v1/cluster/snapshots", {
    method: "POST",
    headers: { "x-nsatlas-auth": "bearer", "x-nsatlas-client": "10.0.0.9", "user-agent": "unit" },
  });
const upCount = () => hub.nodes().nodes.filter((n) => n.state === "up").length;

/** An agent whose overview is fine (so it is up) but whose full snapshot is `answer`. */
async function agentWithFull(name: string, answer: (res: import("node:http").ServerResponse) => void): Promise<FakeAgent> {
  const agent = await fakeAgent({ overview: toOverview(onNode(name, `1795947746600-${name.length.toString(16).padStart(8, "0")}`)), token: TOKEN });
  agent.override.set("/api/v1/snapshot", (req, res) => {
    if (new URL(req.url ?? "/", "http://x").searchParams.get("view") === "overview") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(agent.overview));
    } else answer(res);
  });
  return agent;
}

function startHub(urls: string[]): Hub {
  return createHub(parseConfig({ NSATLAS_AGENTS: urls.join(","), NSATLAS_TOKEN: TOKEN, NSATLAS_DATA_DIR: dir }), {
    follower: { backoffInitialMs: 50, backoffMaxMs: 200 },
    freeze: { timeoutMs: 1000, maxBytes: MAX_BYTES },
  });
}

beforeAll(async () => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-hub-freeze-")), "data");
  const a = onNode("node-a", "1795947746677-0000000a");
  const b = onNode("node-b", "1795947746677-0000000b");
  agents = {
    a: await fakeAgent({ overview: toOverview(a), full: a, token: TOKEN }),
    b: await fakeAgent({ overview: toOverview(b), full: b, token: TOKEN }),
    garbage: await agentWithFull("node-garbage", (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"id": "half a snapshot"');
    }),
    big: await agentWithFull("node-big", (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(64 * 1024, 32));
      res.end("{}");
    }),
    silent: await agentWithFull("node-silent", () => undefined),
  };
  hub = startHub(Object.values(agents).map((x) => x.url));
  await until("every agent up", () => upCount() === 5);
});

afterAll(async () => {
  hub.close();
  await Promise.all(Object.values(agents).map((x) => x.close()));
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
});

describe("freezing the cluster", () => {
  let frozen: ClusterSnapshot;

  it("writes nothing to the data directory before the first freeze, even when asked for the list or a frozen read", async () => {
    expect(clusterSnapshotListSchema.parse(await clusterSnapshotListHandler(hub).json())).toEqual({ snapshots: [], isAvailable: true });
    const read = await nodeSnapshotHandler(get("/api/v1/n/node-a/snapshot?at=1795947746000-00000000"), "node-a", hub);
    expect([read.status, problemSchema.parse(await read.json()).title]).toEqual([404, "No such cluster snapshot"]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("keeps the nodes that answered and names the ones that did not, with why", async () => {
    const started = Date.now();
    const answer = await clusterFreezeHandler(post(), hub);
    const elapsed = Date.now() - started;
    expect(answer.status).toBe(201);
    frozen = clusterSnapshotSchema.parse(await answer.json());
    expect(answer.headers.get("location")).toBe(`/api/v1/cluster/snapshots/${frozen.id}`);
    expect(frozen.nodes).toEqual([
      { name: "node-a", snapshotId: "1795947746677-0000000a", netnsCount: base.netns.length },
      { name: "node-b", snapshotId: "1795947746677-0000000b", netnsCount: base.netns.length },
    ]);
    const reasons = Object.fromEntries(frozen.missing.map((m) => [m.name, m.reason]));
    expect(Object.keys(reasons).sort()).toEqual(["node-big", "node-garbage", "node-silent"]);
    expect(reasons["node-garbage"]).toMatch(/^error: .*not JSON/);
    expect(reasons["node-big"]).toMatch(new RegExp(`^error: the answer is larger than the ${MAX_BYTES} bytes`));
    expect(reasons["node-silent"]).toMatch(/^unreachable: no answer within 1000 ms/);
    expect(frozen.partial).toBe(true);
    expect(frozen.who).toBe("http bearer 10.0.0.9 (unit)");
    // Each node within its own deadline, all at once: one deadline, not three.
    expect(elapsed).toBeLessThan(2500);
    expect(fs.existsSync(storeFile(dir))).toBe(true);
  });

  it("lists it and answers it by id; an unknown id is a 404 problem", async () => {
    const list = clusterSnapshotListSchema.parse(await clusterSnapshotListHandler(hub).json());
    expect(list.snapshots).toEqual([frozen]);
    const one = await clusterSnapshotHandler(frozen.id, hub);
    expect(clusterSnapshotSchema.parse(await one.json())).toEqual(frozen);
    const unknown = await clusterSnapshotHandler("1795947746000-00000000", hub);
    expect([unknown.status, problemSchema.parse(await unknown.json()).title]).toEqual([404, "No such cluster snapshot"]);
    expect((await clusterSnapshotHandler("../etc", hub)).status).toBe(400);
  });

  it("reads a node at the frozen id from the store while live reads go to the agent, which changed meanwhile", async () => {
    const removed = base.netns.find((n) => !n.isHost);
    expect(removed).toBeDefined();
    const a = agents.a;
    a.full = { ...onNode("node-a", "1795947746999-0000000a"), netns: base.netns.filter((n) => n.id !== removed?.id) };
    a.overview = toOverview(a.full);

    const at = await nodeSnapshotHandler(get(`/api/v1/n/node-a/snapshot?at=${frozen.id}`), "node-a", hub);
    expect([at.status, at.headers.get("x-nsatlas-source"), at.headers.get("x-nsatlas-node")]).toEqual([200, "cluster-snapshot", "node-a"]);
    const then = snapshotSchema.parse(await at.json());
    expect(then.id).toBe("1795947746677-0000000a");
    expect(then.netns.map((n) => n.id)).toContain(removed?.id);
    const overview = await nodeSnapshotHandler(get(`/api/v1/n/node-a/snapshot?at=${frozen.id}&view=overview`), "node-a", hub);
    expect(snapshotOverviewSchema.parse(await overview.json()).netns.length).toBe(base.netns.length);

    const live = await nodeSnapshotHandler(get("/api/v1/n/node-a/snapshot"), "node-a", hub);
    expect(snapshotSchema.parse(await live.json()).netns.map((n) => n.id)).not.toContain(removed?.id);

    const netns = await nodeNetnsHandler(get(`/api/v1/n/node-a/netns/${removed?.id ?? ""}?at=${frozen.id}`), "node-a", removed?.id ?? "", hub);
    expect([netns.status, netnsSchema.parse(await netns.json()).id]).toEqual([200, removed?.id]);
    const goneNow = await nodeNetnsHandler(get(`/api/v1/n/node-a/netns/${removed?.id ?? ""}`), "node-a", removed?.id ?? "", hub);
    expect(goneNow.status).toBe(404);
  });

  it("looks a pod up in the frozen snapshot as the single-node routes do", async () => {
    const pod = base.netns.flatMap((n) => n.owners).find((o) => o.kind === "kubernetes-pod");
    expect(pod).toBeDefined();
    if (pod?.kind !== "kubernetes-pod") return;
    const found = await nodePodHandler(get(`/?at=${frozen.id}`), "node-b", pod.namespace, pod.podName, hub);
    expect(found.status).toBe(200);
    expect(lookupSchema.parse(await found.json()).netns.length).toBeGreaterThan(0);
    const none = await nodePodHandler(get(`/?at=${frozen.id}`), "node-b", pod.namespace, "no-such-pod", hub);
    expect([none.status, problemSchema.parse(await none.json()).detail]).toEqual([
      404,
      `no pod ${pod.namespace}/no-such-pod on node node-b in cluster snapshot ${frozen.id}`,
    ]);
  });

  it("says which node is not in it and why", async () => {
    const missing = await nodeSnapshotHandler(get(`/api/v1/n/node-garbage/snapshot?at=${frozen.id}`), "node-garbage", hub);
    const problem = problemSchema.parse(await missing.json());
    expect([missing.status, problem.title]).toEqual([404, `Node node-garbage is not in cluster snapshot ${frozen.id}`]);
    expect(problem.detail).toMatch(/could not be read when the cluster was frozen: error: .*not JSON/);
    const unknown = await nodeSnapshotHandler(get(`/api/v1/n/node-z/snapshot?at=${frozen.id}`), "node-z", hub);
    expect([unknown.status, problemSchema.parse(await unknown.json()).detail]).toEqual([
      404,
      "the hub did not know node node-z when it froze the cluster (it had node-a, node-b)",
    ]);
  });

  it("answers 503 and stores nothing when no node could be read", async () => {
    const lonely = createHub(parseConfig({ NSATLAS_AGENTS: "http://127.0.0.1:1", NSATLAS_TOKEN: TOKEN, NSATLAS_DATA_DIR: `${dir}-lonely` }), {
      follower: { backoffInitialMs: 50, backoffMaxMs: 200 },
    });
    try {
      await until("the node known", () => lonely.nodes().nodes.some((n) => n.state === "unreachable"));
      const answer = await clusterFreezeHandler(post(), lonely);
      const problem = problemSchema.parse(await answer.json());
      expect([answer.status, problem.title]).toEqual([503, "No node could be read"]);
      expect(problem.detail).toMatch(/^127\.0\.0\.1:1: unreachable: connection refused/);
      expect(fs.existsSync(`${dir}-lonely`)).toBe(false);
    } finally {
      lonely.close();
    }
  });

  it("serves the frozen snapshot after the hub restarted on the same data directory, newest freeze first", async () => {
    const second = clusterSnapshotSchema.parse(await (await clusterFreezeHandler(post(), hub)).json());
    hub.close();
    hub = startHub([agents.b.url]);
    const list = clusterSnapshotListSchema.parse(await clusterSnapshotListHandler(hub).json());
    expect(list.snapshots.map((s) => s.id)).toEqual([second.id, frozen.id]);
    const at = await nodeSnapshotHandler(get(`/api/v1/n/node-a/snapshot?at=${frozen.id}`), "node-a", hub);
    expect([at.status, snapshotSchema.parse(await at.json()).id]).toEqual([200, "1795947746677-0000000a"]);
    const latest = second.nodes.find((n) => n.name === "node-a");
    expect(latest?.snapshotId).toBe("1795947746999-0000000a");
  });
});
