import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterNodesSchema, clusterSearchSchema, clusterTopologySchema, hubHealthSchema } from "../../../server/contract/cluster";
import { lookupSchema } from "../../../server/contract/lookups";
import { snapshotOverviewSchema, type Snapshot, type SnapshotOverview } from "../../../server/contract/snapshot";
import { parseConfig } from "../../../server/config";
import { createHub, type Hub } from "../../../server/hub/hub";
import {
  clusterNodesHandler,
  clusterSearchHandler,
  clusterTopologyHandler,
  nodeContainerHandler,
  nodeNetnsHandler,
  nodePodHandler,
  nodeSnapshotHandler,
} from "../../../server/http/handlers/cluster-handlers";
import { hubMetricsState } from "../../../server/metrics/hub-state";
import { fakeAgent, overviewOf, type FakeAgent } from "./fake-agent";

process.env.NSATLAS_LOG_LEVEL = "silent";

const TOKEN = "hub-unit-token-0123456789";
const ODD = "odd node/ü?#1";

function full(overview: SnapshotOverview, pod?: { namespace: string; name: string }): Snapshot {
  const netns = overview.netns.map((n) => ({ ...n, routes: [] }));
  if (pod !== undefined && netns[1] !== undefined) {
    netns[1].owners = [
      {
        kind: "kubernetes-pod",
        runtime: "containerd-cri",
        namespace: pod.namespace,
        name: `${pod.namespace}/${pod.name}`,
        podName: pod.name,
        uid: "u-1",
        sandboxId: "abc123",
        containers: [{ id: "c0ffee00", name: "app", state: "running", isSandbox: false }],
      },
    ];
  }
  return { ...overview, netns };
}

let a: FakeAgent;
let b: FakeAgent;
let garbage: FakeAgent;
let hub: Hub;

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const stateOf = (name: string) => hub.nodes().nodes.find((n) => n.name === name)?.state;
const get = (path: string) => new Request(`http://hub${path}`);

beforeAll(async () => {
  a = await fakeAgent({ overview: overviewOf("node-a", { pods: ["blue", "green"] }), token: TOKEN });
  a.full = full(a.overview, { namespace: "shop", name: "web-0" });
  b = await fakeAgent({ overview: overviewOf(ODD, { pods: ["red"] }), token: TOKEN });
  b.full = full(b.overview);
  garbage = await fakeAgent({ overview: overviewOf("never") });
  garbage.override.set("/api/v1/healthz", (_req, res) => res.end("this is not an nsatlas agent"));
  const config = parseConfig({ NSATLAS_AGENTS: [a.url, b.url, garbage.url, "http://127.0.0.1:1"].join(","), NSATLAS_TOKEN: TOKEN });
  hub = createHub(config, { follower: { backoffInitialMs: 50, backoffMaxMs: 200 } });
  await until("both agents up", () => stateOf("node-a") === "up" && stateOf(ODD) === "up");
  await until("the others marked", () => stateOf("127.0.0.1:1") === "unreachable" && hub.nodes().nodes.some((n) => n.state === "error"));
});

afterAll(async () => {
  hub.close();
  await Promise.all([a.close(), b.close(), garbage.close()]);
});

describe("the hub over fake agents", () => {
  it("lists every node by the agent's name, with its state, counts, version, source and encoded links", () => {
    const { nodes, sources } = clusterNodesSchema.parse(hub.nodes());
    expect(nodes.map((n) => [n.name, n.state, n.isNameKnown])).toEqual([
      ["127.0.0.1:1", "unreachable", false],
      [garbage.url.replace("http://", ""), "error", false],
      ["node-a", "up", true],
      [ODD, "up", true],
    ]);
    const odd = nodes.find((n) => n.name === ODD);
    expect(odd).toMatchObject({ address: b.url, source: b.url, version: "0.1.0", netnsCount: 2, podCount: 0, takenAt: "2026-12-05T00:00:00.000Z" });
    expect(odd?.links).toEqual({ snapshot: "/api/v1/n/odd%20node%2F%C3%BC%3F%231/snapshot?view=overview", page: "/n/odd%20node%2F%C3%BC%3F%231" });
    expect(odd?.error).toBeUndefined();
    expect(nodes.find((n) => n.state === "error")?.error).toMatch(/healthz: the answer is not JSON/);
    expect(nodes[0]?.error).toBe("connection refused (ECONNREFUSED)");
    expect(sources.map((s) => s.kind)).toEqual(["static", "static", "static", "static"]);
    expect(hub.readiness()).toEqual({ isReady: true, notReady: [] });
  });

  it("searches the cache: partial, naming the nodes that are not up, and links with the node name encoded", () => {
    const found = clusterSearchSchema.parse(hub.search(" red "));
    expect(found).toMatchObject({ query: "red", partial: true, truncated: false, missing: ["127.0.0.1:1", garbage.url.replace("http://", "")] });
    expect(found.results).toEqual([
      {
        node: ODD,
        netnsId: "4026532000",
        isHost: false,
        kind: "ip-netns",
        label: "ip netns red",
        match: "red",
        href: "/n/odd%20node%2F%C3%BC%3F%231/netns/4026532000",
      },
    ]);
    expect(hub.search("nothing-like-this").results).toEqual([]);
  });

  it("reads the overview again on a change event: a new pod is searchable at once", async () => {
    a.overview = overviewOf("node-a", { id: "s2", pods: ["blue", "green", "late-pod"] });
    a.push(
      `id: 1\nevent: change\ndata: ${JSON.stringify({ seq: 1, snapshotId: "s2", takenAt: a.overview.takenAt, node: "node-a", added: ["4026532002"], removed: [], changed: [] })}\n\n`,
    );
    await until("late-pod searchable", () => hub.search("late-pod").results.length === 1);
    expect(hub.search("late-pod").results[0]).toMatchObject({ node: "node-a", netnsId: "4026532002" });
    expect(hubMetricsState().eventsTotal).toBeGreaterThanOrEqual(1);
    expect(hub.status().nodes).toEqual({ connecting: 0, up: 2, stale: 0, unreachable: 1, unauthorized: 0, "version-mismatch": 0, error: 1 });
  });

  it("answers the cluster routes, refusing an empty or over-long query", async () => {
    expect(clusterNodesSchema.parse(await clusterNodesHandler(hub).json()).nodes).toHaveLength(4);
    const empty = clusterSearchHandler(get("/api/v1/cluster/search?q=%20"), hub);
    expect([empty.status, (await empty.json()).detail]).toEqual([400, "q: the query is empty (1 to 200 characters)"]);
    expect(clusterSearchHandler(get("/api/v1/cluster/search"), hub).status).toBe(400);
    expect(clusterSearchHandler(get(`/api/v1/cluster/search?q=${"x".repeat(201)}`), hub).status).toBe(400);
    expect(clusterSearchHandler(get(`/api/v1/cluster/search?q=${"x".repeat(200)}`), hub).status).toBe(200);
    const topology = clusterTopologySchema.parse(await (await clusterTopologyHandler(get("/api/v1/cluster/topology"), hub)).json());
    expect(topology).toMatchObject({ links: [], partial: true, missing: ["127.0.0.1:1", garbage.url.replace("http://", "")] });
    const notHub = clusterNodesHandler(undefined);
    expect([notHub.status, (await notHub.json()).title]).toEqual([404, "Not a hub"]);
  });

  it("serves an up node's overview from its cache and everything else from the agent, streamed, naming the node", async () => {
    const cached = await nodeSnapshotHandler(get("/api/v1/n/x/snapshot?view=overview"), ODD, hub);
    expect([cached.status, cached.headers.get("x-nsatlas-source"), cached.headers.get("x-nsatlas-node")]).toEqual([
      200,
      "hub-cache",
      "odd%20node%2F%C3%BC%3F%231",
    ]);
    expect(snapshotOverviewSchema.parse(await cached.json()).node.name).toBe(ODD);
    const before = a.seen.length;
    const fullAnswer = await nodeSnapshotHandler(get("/api/v1/n/node-a/snapshot"), "node-a", hub);
    expect([fullAnswer.status, fullAnswer.headers.get("x-nsatlas-source")]).toEqual([200, null]);
    expect(((await fullAnswer.json()) as { netns: unknown[] }).netns).toHaveLength(3);
    expect(a.seen.slice(before)).toEqual(["GET /api/v1/snapshot?view=full"]);

    const netns = await nodeNetnsHandler(get("/api/v1/n/node-a/netns/4026532000"), "node-a", "4026532000", hub);
    expect([netns.status, ((await netns.json()) as { id: string }).id]).toEqual([200, "4026532000"]);
    const noNetns = await nodeNetnsHandler(get("/"), "node-a", "4026599999", hub);
    expect([noNetns.status, ((await noNetns.json()) as { title: string }).title]).toEqual([404, "No such namespace"]);
    expect((await nodeNetnsHandler(get("/"), "node-a", "nope", hub)).status).toBe(400);
    const stored = await nodeSnapshotHandler(get("/api/v1/n/node-a/snapshot?at=1764892800000-abcd"), "node-a", hub);
    expect([stored.status, ((await stored.json()) as { title: string }).title]).toEqual([404, "No such cluster snapshot"]);
  });

  it("looks pods and containers up in the agent's snapshot", async () => {
    const pod = await nodePodHandler(get("/"), "node-a", "shop", "web-0", hub);
    expect(pod.status).toBe(200);
    expect(lookupSchema.parse(await pod.json()).netns.map((n) => n.id)).toEqual(["4026532000"]);
    expect((await nodePodHandler(get("/"), "node-a", "shop", "web-9", hub)).status).toBe(404);
    expect((await nodePodHandler(get("/"), "node-a", "Shop!", "web-0", hub)).status).toBe(400);
    const container = await nodeContainerHandler(get("/"), "node-a", "c0ffee", hub);
    expect([container.status, lookupSchema.parse(await container.json()).container?.name]).toEqual([200, "app"]);
    const none = await nodeContainerHandler(get("/"), "node-a", "nothing", hub);
    expect([none.status, ((await none.json()) as { detail: string }).detail]).toEqual([404, "no container nothing on node node-a now"]);
  });

  it("answers 404 for an unknown node, 400 for a malformed one, 502 naming a node that cannot be read", async () => {
    const unknown = await nodeSnapshotHandler(get("/"), "node-z", hub);
    expect([unknown.status, ((await unknown.json()) as { detail: string }).detail]).toEqual([
      404,
      'this hub knows no node named "node-z": GET /api/v1/cluster/nodes lists them',
    ]);
    expect((await nodeSnapshotHandler(get("/"), "a\u0001b", hub)).status).toBe(400);
    const refused = await nodeSnapshotHandler(get("/"), "127.0.0.1:1", hub);
    const problem = (await refused.json()) as { title: string; detail: string };
    expect([refused.status, problem.title, problem.detail, refused.headers.get("x-nsatlas-node")]).toEqual([
      502,
      "Node 127.0.0.1:1 could not be read",
      "unreachable: connection refused (ECONNREFUSED)",
      "127.0.0.1%3A1",
    ]);
  });

  it("marks an agent that crashes unreachable at once, keeps answering for the others, and follows it again when it is back", async () => {
    a.crash();
    await until("node-a not up", () => stateOf("node-a") !== "up", 3000);
    const search = hub.search("blue");
    expect(search).toMatchObject({ partial: true, results: [] });
    expect(search.missing).toContain("node-a");
    expect(hub.search("red").results).toHaveLength(1);
    // The fake's server still listens: the follower reconnects.
    await until("node-a up again", () => stateOf("node-a") === "up", 5000);
    expect(hub.search("blue").results).toHaveLength(1);
  });

  it("refuses the single-node routes with 409 and reports its health with the hub's state", async () => {
    const refusal = hub.refuse("/api/v1/snapshot");
    expect(refusal?.status).toBe(409);
    expect(((await refusal?.json()) as { title: string }).title).toBe("This dashboard is a hub");
    for (const path of ["/api/v1/netns/1", "/api/v1/events", "/api/v1/pods/a/b", "/api/v1/snapshots", "/api/v1/diff", "/api/v1/trace", "/api/v1/captures"])
      expect(hub.refuse(path)?.status).toBe(409);
    for (const path of ["/api/v1/cluster/nodes", "/api/v1/n/node-a/snapshot", "/api/v1/healthz", "/api/v1/login", "/", "/api/v1/snapshotx"])
      expect(hub.refuse(path)).toBeUndefined();
    const health = hubHealthSchema.parse(await hub.health());
    expect(health.hub).toMatchObject({ isResolved: true, contractMajor: 0 });
    expect(health.runtimes).toEqual([]);
    expect(hubMetricsState().nodeStates?.().up).toBe(2);
  });
});

describe("a hub whose token the agents refuse", () => {
  it("marks every node unauthorized and answers their routes 502 at once", async () => {
    const agent = await fakeAgent({ overview: overviewOf("node-t"), token: TOKEN });
    const wrong = createHub(parseConfig({ NSATLAS_AGENTS: agent.url, NSATLAS_AGENT_TOKEN: "not-the-agents-token-0" }));
    try {
      await until("unauthorized", () => wrong.nodes().nodes[0]?.state === "unauthorized");
      const node = wrong.nodes().nodes[0];
      expect(node?.error).toMatch(/refused the hub's token \(HTTP 401\)/);
      const seen = agent.seen.length;
      const answer = await nodeNetnsHandler(get("/"), node?.name ?? "", "4026531840", wrong);
      expect(answer.status).toBe(502);
      expect(agent.seen.length).toBe(seen);
    } finally {
      wrong.close();
      await agent.close();
    }
  });
});
