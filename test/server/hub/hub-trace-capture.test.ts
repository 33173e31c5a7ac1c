/**
 * Trace and capture through the hub over fake agents (server/hub/trace-proxy.ts, capture-proxy.ts and their routes in
 * cluster-handlers.ts): the query and body checked before any agent is asked, the agent's answer checked by the contract,
 * its problems handed on naming the node, its pcapng streamed through, the client leaving dropping the agent's connection,
 * and one file merged from two nodes.
 */
import type http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interfaceDescriptionBlock, sectionHeaderBlock, enhancedPacketBlock } from "../../../server/capture/pcapng";
import { readPcapng } from "../../../server/capture/pcapng-reader";
import { parseConfig } from "../../../server/config";
import type { Interface } from "../../../server/contract/snapshot";
import type { TraceResult } from "../../../server/contract/trace";
import { createHub, type Hub } from "../../../server/hub/hub";
import { clusterCaptureHandler, nodeCaptureHandler, nodeTraceHandler } from "../../../server/http/handlers/cluster-handlers";
import { fakeAgent, overviewOf, type FakeAgent } from "./fake-agent";

process.env.NSATLAS_LOG_LEVEL = "silent";

const TOKEN = "hub-unit-token-0123456789";
let a: FakeAgent;
let b: FakeAgent;
let hub: Hub;

const stateOf = (name: string) => hub.nodes().nodes.find((n) => n.name === name)?.state;

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const trace: TraceResult = {
  query: { from: "4026532000", to: "10.250.0.12" },
  verdict: "leaves-node",
  hops: [{ netnsId: "4026532000", label: "pod", kind: "route", out: "eth0", route: "default via 10.244.1.1 dev eth0", notes: [] }],
  detail: "leaves node-a by vxlan0",
  exit: { kind: "vxlan", netnsId: "4026531840", interface: "vxlan0", remote: "10.250.0.12" },
  warnings: [],
  netfilter: "not evaluated",
  snapshotId: "s1",
  tracedAt: "2026-12-05T00:00:00.000Z",
};

function pcapngHead(name: string): Buffer {
  return Buffer.concat([sectionHeaderBlock({ userAppl: "fake" }), interfaceDescriptionBlock({ linktype: 1, snaplen: 65535, name })]);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => resolve(text));
  });
}

const post = (path: string, body: unknown, signal?: AbortSignal) =>
  new Request(`http://hub${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", "x-nsatlas-auth": "bearer", "x-nsatlas-client": "10.0.0.9", "user-agent": "unit" },
    ...(signal === undefined ? {} : { signal }),
  });

beforeAll(async () => {
  const nodeB: Interface = {
    ifindex: 2,
    name: "eth0",
    kind: "veth",
    mtu: 1500,
    operState: "up",
    isUp: true,
    isPromiscuous: false,
    addresses: [{ family: "inet", address: "10.250.0.12", prefixLength: 24, scope: "global" }],
  };
  a = await fakeAgent({ overview: overviewOf("node-a", { pods: ["blue"] }), token: TOKEN });
  b = await fakeAgent({ overview: overviewOf("node-b", { pods: ["red"], hostInterfaces: [nodeB] }), token: TOKEN });
  hub = createHub(parseConfig({ NSATLAS_AGENTS: [a.url, b.url].join(","), NSATLAS_TOKEN: TOKEN }), { follower: { backoffInitialMs: 50, backoffMaxMs: 200 } });
  await until("both agents up", () => stateOf("node-a") === "up" && stateOf("node-b") === "up");
});

afterAll(async () => {
  hub.close();
  await Promise.all([a.close(), b.close()]);
});

describe("a trace through the hub", () => {
  it("checks the query first, asks the agent, checks its answer and names the node the packet goes to", async () => {
    a.override.set("/api/v1/trace", (req, res) => {
      res.writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401, { "content-type": "application/json" });
      res.end(JSON.stringify(trace));
    });
    const before = a.seen.length;
    const bad = await nodeTraceHandler(new Request("http://hub/api/v1/n/node-a/trace?from=1&to=nope"), "node-a", hub);
    expect(bad.status).toBe(400);
    expect((await nodeTraceHandler(new Request("http://hub/x?from=4026532000&to=10.0.0.1&x=1"), "node-a", hub)).status).toBe(400);
    expect(a.seen.length).toBe(before);
    const ok = await nodeTraceHandler(new Request("http://hub/x?from=4026532000&to=10.250.0.12&dport=443"), "node-a", hub);
    expect([ok.status, ok.headers.get("x-nsatlas-node")]).toEqual([200, "node-a"]);
    const result = (await ok.json()) as TraceResult;
    expect([result.verdict, result.exit?.node]).toEqual(["leaves-node", "node-b"]);
    expect(a.seen.at(-1)).toBe("GET /api/v1/trace?from=4026532000&to=10.250.0.12&proto=tcp&dport=443");
  });

  it("hands on the agent's 404 naming the node, answers 502 for garbage and 404 for an unknown node", async () => {
    a.override.set("/api/v1/trace", (_req, res) => {
      res.writeHead(404, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ type: "about:blank", title: "No such namespace", status: 404, detail: "no network namespace with inode 1 exists" }));
    });
    const missing = await nodeTraceHandler(new Request("http://hub/x?from=4026532999&to=10.0.0.1"), "node-a", hub);
    expect([missing.status, await missing.json()]).toEqual([
      404,
      { type: "about:blank", title: "No such namespace", status: 404, detail: "node node-a: no network namespace with inode 1 exists" },
    ]);
    a.override.set("/api/v1/trace", (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ verdict: "somewhere" }));
    });
    const garbage = await nodeTraceHandler(new Request("http://hub/x?from=4026532000&to=10.0.0.1"), "node-a", hub);
    expect([garbage.status, ((await garbage.json()) as { title: string }).title]).toEqual([502, "Node node-a could not be read"]);
    expect((await nodeTraceHandler(new Request("http://hub/x?from=4026532000&to=10.0.0.1"), "node-z", hub)).status).toBe(404);
  });

  it("answers 504 naming the node when the agent takes more than 5 s", async () => {
    a.override.set("/api/v1/trace", () => undefined);
    const t = Date.now();
    const slow = await nodeTraceHandler(new Request("http://hub/x?from=4026532000&to=10.0.0.1"), "node-a", hub);
    expect([slow.status, ((await slow.json()) as { title: string }).title]).toEqual([504, "Node node-a did not answer in time"]);
    expect(Date.now() - t).toBeGreaterThanOrEqual(4900);
    expect(Date.now() - t).toBeLessThan(7000);
  }, 10_000);
});

describe("a capture through the hub", () => {
  it("refuses a bad body before asking the agent, hands on the agent's 403 naming the node", async () => {
    const before = a.seen.length;
    const bad = await nodeCaptureHandler(post("/x", { netnsId: "4026532000", iface: "eth0", seconds: 99 }), "node-a", hub);
    expect(bad.status).toBe(400);
    expect(a.seen.length).toBe(before);
    a.override.set("/api/v1/captures", (_req, res) => {
      res.writeHead(403, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ type: "about:blank", title: "Capture is off", status: 403, detail: "packet capture is off on this agent" }));
    });
    const off = await nodeCaptureHandler(post("/x", { netnsId: "4026532000", iface: "eth0" }), "node-a", hub);
    expect([off.status, off.headers.get("x-nsatlas-node"), await off.json()]).toEqual([
      403,
      "node-a",
      { type: "about:blank", title: "Capture is off", status: 403, detail: "node node-a: packet capture is off on this agent" },
    ]);
    const unknown = await nodeCaptureHandler(post("/x", { netnsId: "4026532000", iface: "eth0" }), "node-z", hub);
    expect(unknown.status).toBe(404);
  });

  it("streams the agent's file through as it comes, with the hub's token and the parsed body, and drops the agent when the client leaves", async () => {
    let seenBody = "";
    let seenAuth: string | undefined;
    let closed = false;
    let agentRes: http.ServerResponse | undefined;
    a.override.set("/api/v1/captures", (req, res) => {
      seenAuth = req.headers.authorization;
      void readBody(req).then((text) => {
        seenBody = text;
        agentRes = res;
        res.writeHead(200, { "content-type": "application/x-pcapng", "content-disposition": 'attachment; filename="nsatlas-node-a-x.pcapng"' });
        res.write(pcapngHead("blue/eth0"));
        res.on("close", () => (closed = true));
      });
    });
    const client = new AbortController();
    const started = await nodeCaptureHandler(post("/x", { netnsId: "4026532000", iface: "eth0", seconds: 5 }, client.signal), "node-a", hub);
    expect([started.status, started.headers.get("content-type"), started.headers.get("content-disposition")]).toEqual([
      200,
      "application/x-pcapng",
      'attachment; filename="nsatlas-node-a-x.pcapng"',
    ]);
    expect(seenAuth).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(seenBody)).toEqual({ sources: [{ netnsId: "4026532000", iface: "eth0" }], seconds: 5, filter: "", snaplen: 262144 });
    const reader = started.body?.getReader();
    const first = await reader?.read();
    expect(
      Buffer.from(first?.value ?? new Uint8Array())
        .subarray(0, 4)
        .readUInt32LE(0),
    ).toBe(0x0a0d0d0a);
    // A packet written by the agent now reaches the client now: nothing waits for the end.
    agentRes?.write(enhancedPacketBlock(0, 1n, 3, Buffer.from("abc")));
    const second = await reader?.read();
    expect(second?.value?.byteLength).toBe(36);
    await reader?.cancel();
    await until("the agent's connection dropped", () => closed, 2000);
  });

  it("merges two nodes' captures into one file, and answers a node's refusal naming it", async () => {
    for (const [agent, node] of [
      [a, "node-a"],
      [b, "node-b"],
    ] as const) {
      agent.override.set("/api/v1/captures", (req, res) => {
        void readBody(req).then(() => {
          res.writeHead(200, { "content-type": "application/x-pcapng" });
          res.write(pcapngHead(`${node === "node-a" ? "blue" : "red"}/eth0`));
          res.end(enhancedPacketBlock(0, node === "node-a" ? 2n : 1n, 1, Buffer.from(node)));
        });
      });
    }
    const body = {
      sources: [
        { node: "node-a", netnsId: "4026532000", iface: "eth0" },
        { node: "node-b", netnsId: "4026532000", iface: "eth0" },
      ],
      seconds: 1,
    };
    const merged = await clusterCaptureHandler(post("/api/v1/cluster/captures", body), hub);
    expect(merged.status).toBe(200);
    const file = readPcapng(Buffer.from(await merged.arrayBuffer()));
    expect(file.interfaces.map((i) => i.name)).toEqual(["node-a/blue/eth0", "node-b/red/eth0"]);
    expect(file.packets.map((p) => p.data.toString())).toEqual(["node-b", "node-a"]);

    b.override.set("/api/v1/captures", (_req, res) => {
      res.writeHead(429, { "content-type": "application/problem+json", "retry-after": "7" });
      res.end(JSON.stringify({ type: "about:blank", title: "Too many captures", status: 429, detail: "two run already" }));
    });
    const busy = await clusterCaptureHandler(post("/api/v1/cluster/captures", body), hub);
    expect([busy.status, busy.headers.get("retry-after"), busy.headers.get("x-nsatlas-node"), ((await busy.json()) as { detail: string }).detail]).toEqual([
      429,
      "7",
      "node-b",
      "node node-b: two run already",
    ]);
    const unknown = await clusterCaptureHandler(post("/api/v1/cluster/captures", { sources: [{ ...body.sources[0], node: "node-z" }] }), hub);
    expect(unknown.status).toBe(404);
  });

  it("lets the hub's own new routes through its 409 list", () => {
    for (const path of ["/api/v1/n/node-a/trace", "/api/v1/n/node-a/captures", "/api/v1/cluster/captures"]) expect(hub.refuse(path)).toBeUndefined();
    expect(hub.refuse("/api/v1/captures")?.status).toBe(409);
    expect(hub.refuse("/api/v1/trace")?.status).toBe(409);
  });
});
