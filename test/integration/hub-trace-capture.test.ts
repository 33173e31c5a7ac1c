/**
 * Trace and capture through the hub (docs/incident-tools.md "Through the hub") over the simulated cluster
 * (test/cluster/, docs/testing-cluster.md): 3 nodes × 2 pods, their real agents with NSATLAS_CAPTURE=1, and the REAL
 * dashboard in hub mode in the cluster's hub netns, asked through the hub gateway as a browser would ask the hub pod.
 * A trace between nodes and on one node; a capture of a pod's eth0 on node-2 while it pings node-3; one file from a pod
 * on node-1 and one on node-3 pinging each other; the client leaving mid-capture (no tcpdump left on the node); an
 * unknown node; an agent with capture off. Everything it makes carries the prefix "nsct" and is torn down after.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPcapng, type PcapngFile } from "../../server/capture/pcapng-reader";
import { clusterNodesSchema, type NodeState } from "../../server/contract/cluster";
import { traceResultSchema } from "../../server/contract/trace";
import { SESSION_COOKIE, sessionValue } from "../../server/http/security";
import { clusterDown, clusterUp, type Cluster } from "../cluster/cluster";
import type { ClusterPod } from "../cluster/manifest";
import { agentsByDns, ensureDashboardBuild, startHubDashboard, type HubDashboard } from "./helpers/hub-dashboard";
import { within } from "./helpers/within";

const PREFIX = "nsct";
const TOKEN = "hub-trace-capture-token-0123456789";
let cluster: Cluster;
let hub: HubDashboard;

beforeAll(async () => {
  ensureDashboardBuild();
  await clusterDown(PREFIX);
  const t = Date.now();
  cluster = await clusterUp({ prefix: PREFIX, nodes: 3, podsPerNode: 2, agents: true, token: TOKEN, agentEnv: { NSATLAS_CAPTURE: "1" } });
  hub = await startHubDashboard(cluster, { NSATLAS_AGENTS: agentsByDns(cluster) });
  await within("all nodes up", 30_000, async () => Object.values(await states()).filter((s) => s === "up").length === 3);
  console.log(`hub-trace-capture: cluster and hub up in ${Date.now() - t} ms`);
}, 900_000);

afterAll(async () => {
  await hub?.stop().catch(() => undefined);
  await clusterDown(PREFIX);
}, 120_000);

async function states(): Promise<Record<string, NodeState>> {
  const { nodes } = clusterNodesSchema.parse(await hub.json("/api/v1/cluster/nodes"));
  return Object.fromEntries(nodes.map((n) => [n.name, n.state]));
}

const ipOf = (pod: ClusterPod) => (pod.eth0.cidr ?? "").split("/")[0] ?? "";

function pod(node: string, index: number): ClusterPod {
  const found = cluster.node(node).pods[index];
  if (found === undefined) throw new Error(`${node} has no pod ${index}`);
  return found;
}

/** Pings from inside a pod without blocking this process (busybox's ping; -A: as fast as the replies come). */
function pingFrom(node: string, podName: string, ip: string, args: string[]): Promise<string> {
  const [cmd, cmdArgs] = cluster.podCommand(node, podName, ["busybox", "ping", ...args, ip]);
  return new Promise((resolve, reject) => {
    execFile(cmd, cmdArgs, { timeout: 30_000, encoding: "utf8" }, (err, stdout, stderr) =>
      err === null ? resolve(stdout) : reject(new Error(`${String(err)} ${stderr}`)),
    );
  });
}

interface OpenCapture {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** From sending the request to its first byte. */
  firstByteMs: number;
  /** The whole answer, and when it ended (ms after the first byte). */
  done: Promise<{ bytes: Buffer; ms: number }>;
  disconnect(): void;
}

/** POST through the hub gateway as a client would (bearer token), resolving at the answer's first byte. */
function post(path: string, body: unknown, options: { headers?: Record<string, string>; isBearer?: boolean } = {}, timeoutMs = 90_000): Promise<OpenCapture> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const text = JSON.stringify(body);
    const req = http.request({
      socketPath: cluster.hub.socket,
      path: path.startsWith("http://") ? path : `${hub.base}${path}`,
      method: "POST",
      agent: false,
      headers: {
        ...(options.isBearer === false ? {} : { authorization: `Bearer ${TOKEN}` }),
        ...options.headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(text)),
        "x-gateway-timeout-ms": String(timeoutMs),
      },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let firstAt: number | undefined;
      const done = new Promise<{ bytes: Buffer; ms: number }>((resolveDone) => {
        const finish = () => resolveDone({ bytes: Buffer.concat(chunks), ms: Math.round(performance.now() - (firstAt ?? started)) });
        res.on("end", finish);
        res.on("close", finish);
        res.on("error", finish);
      });
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        if (firstAt === undefined) {
          firstAt = performance.now();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, firstByteMs: Math.round(firstAt - started), done, disconnect: () => req.destroy() });
        }
      });
    });
    req.on("error", (err) => (err.message.includes("socket hang up") || err.message.includes("aborted") ? undefined : reject(err)));
    req.end(text);
  });
}

const json = async (open: OpenCapture) => JSON.parse((await open.done).bytes.toString("utf8")) as { title: string; status: number; detail?: string };

/** ICMP in an Ethernet frame (IPv4, protocol 1), as tcpdump saw it on a veth. */
const isIcmp = (data: Buffer) => data.length > 34 && data.readUInt16BE(12) === 0x0800 && data[23] === 1;

/** The tcpdump processes in a node's pid namespace (the node's pid 1 is the cluster's record of it). */
function tcpdumpsOn(node: string): number[] {
  const nodePid = cluster.node(node).pid;
  const nodeNs = fs.readlinkSync(`/proc/${nodePid}/ns/pid`);
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/ns/pid`) !== nodeNs) continue;
      const name = /^Name:\s+(\S+)/m.exec(fs.readFileSync(`/proc/${entry}/status`, "utf8"))?.[1];
      if (name === "tcpdump") found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

describe("trace through the hub", () => {
  it("answers the agent's verdict: a pod on node-1 to a pod on node-3 leaves node-1 by vxlan0", async () => {
    const from = pod("node-1", 0);
    const to = pod("node-3", 0);
    // A fresh cluster has resolved no neighbour yet (the agent would rightly answer no-neighbour): traffic first, as on a live node.
    await pingFrom("node-1", from.name, ipOf(to), ["-c", "1", "-W", "2"]);
    const t = performance.now();
    const res = await hub.get(`/api/v1/n/node-1/trace?from=${from.netnsId}&to=${ipOf(to)}`);
    const ms = Math.round(performance.now() - t);
    expect(res.status, res.body).toBe(200);
    expect(res.headers["x-nsatlas-node"]).toBe("node-1");
    const result = traceResultSchema.parse(JSON.parse(res.body));
    expect(result.verdict, result.detail).toBe("leaves-node");
    expect(result.exit).toMatchObject({ kind: "vxlan", interface: "vxlan0" });
    console.log(`hub-trace-capture: trace node-1 → node-3 through the hub ${ms} ms; exit ${JSON.stringify(result.exit)}`);
    // The cluster's vxlan floods (an all-zero FDB entry per other node) until it learns the MAC: either way the exit is node-3's VTEP, named
    // by the agent's FDB entry for the MAC or picked by the hub out of the flood, since the hub knows node-3 holds the destination.
    const node3Vtep = (cluster.manifest.nodes.find((n) => n.name === "node-3")?.eth0.cidr ?? "").split("/")[0];
    expect(result.exit).toMatchObject({ remote: node3Vtep, node: "node-3" });
    expect(result.warnings.join("\n")).not.toContain("the hub finds");
  });

  it("answers delivered to a pod on the same node, 400 for a bad query and 404 for an unknown node", async () => {
    const res = await hub.get(`/api/v1/n/node-1/trace?from=${pod("node-1", 0).netnsId}&to=${ipOf(pod("node-1", 1))}`);
    expect(res.status, res.body).toBe(200);
    expect(traceResultSchema.parse(JSON.parse(res.body)).verdict).toBe("delivered");
    expect((await hub.get(`/api/v1/n/node-1/trace?from=${pod("node-1", 0).netnsId}&to=nowhere`)).status).toBe(400);
    const missing = await hub.get(`/api/v1/n/node-1/trace?from=4026599999&to=10.0.0.1`);
    expect([missing.status, JSON.parse(missing.body).detail]).toEqual([404, expect.stringContaining("node node-1:")]);
    const unknown = await hub.get(`/api/v1/n/node-9/trace?from=${pod("node-1", 0).netnsId}&to=10.0.0.1`);
    expect([unknown.status, JSON.parse(unknown.body).title]).toEqual([404, "No such node"]);
  });
});

describe("capture through the hub", () => {
  it("captures a pod's eth0 on node-2 while it pings a pod on node-3: the file holds the ICMP", async () => {
    const src = pod("node-2", 0);
    const open = await post("/api/v1/n/node-2/captures", { netnsId: src.netnsId, iface: "eth0", seconds: 4, filter: "icmp" });
    expect(open.status).toBe(200);
    expect([open.headers["content-type"], open.headers["x-nsatlas-node"]]).toEqual(["application/x-pcapng", "node-2"]);
    await pingFrom("node-2", src.name, ipOf(pod("node-3", 0)), ["-c", "3", "-i", "0.2", "-W", "2"]);
    const { bytes, ms } = await open.done;
    const file: PcapngFile = readPcapng(bytes);
    expect(file.interfaces.map((i) => i.name)).toEqual([`${src.name}/eth0`]);
    expect(file.packets.filter((p) => isIcmp(p.data)).length).toBeGreaterThanOrEqual(6);
    console.log(`hub-trace-capture: node capture through the hub: first byte after ${open.firstByteMs} ms, ${bytes.length} bytes, ended ${ms} ms later`);
  });

  it("streams a busy capture through as it comes (throughput through the hub, and straight from the agent for comparison)", async () => {
    const src = pod("node-2", 1);
    const body = { netnsId: src.netnsId, iface: "eth0", seconds: 4, snaplen: 262144 };
    for (const [how, path] of [
      ["through the hub", "/api/v1/n/node-2/captures"],
      ["straight from the agent", `${cluster.agentUrl("node-2")}/api/v1/captures`],
    ] as const) {
      const open = await post(path, body);
      expect(open.status).toBe(200);
      const pinging = pingFrom("node-2", src.name, ipOf(pod("node-3", 1)), ["-A", "-q", "-s", "1400", "-w", "3"]).catch((err: unknown) => String(err));
      const { bytes, ms } = await open.done;
      const summary = await pinging;
      const file = readPcapng(bytes);
      const mib = bytes.length / 1024 / 1024;
      const drops = file.statistics.reduce((n, st) => n + Number(st.osDrop ?? 0n), 0);
      console.log(
        `hub-trace-capture: busy capture ${how}: first byte ${open.firstByteMs} ms, ${file.packets.length} packets, ${mib.toFixed(1)} MiB in ${ms} ms ` +
          `(${(mib / (ms / 1000)).toFixed(1)} MiB/s over the capture's run), ${drops} dropped by the kernel; ping: ${summary.trim().split("\n").slice(-2).join(" ")}`,
      );
      expect(file.packets.length).toBeGreaterThan(100);
    }
  });

  it("captures a pod on node-1 and one on node-3 pinging each other into one file: two IDBs named with their nodes, in time order", async () => {
    const a = pod("node-1", 0);
    const b = pod("node-3", 0);
    const open = await post("/api/v1/cluster/captures", {
      sources: [
        { node: "node-1", netnsId: a.netnsId, iface: "eth0" },
        { node: "node-3", netnsId: b.netnsId, iface: "eth0" },
      ],
      seconds: 4,
      filter: "icmp",
    });
    expect(open.status).toBe(200);
    expect(open.headers["content-type"]).toBe("application/x-pcapng");
    await Promise.all([
      pingFrom("node-1", a.name, ipOf(b), ["-c", "3", "-i", "0.2", "-W", "2"]),
      pingFrom("node-3", b.name, ipOf(a), ["-c", "3", "-i", "0.2", "-W", "2"]),
    ]);
    const { bytes, ms } = await open.done;
    const file = readPcapng(bytes);
    expect(file.interfaces.map((i) => i.name)).toEqual([`node-1/${a.name}/eth0`, `node-3/${b.name}/eth0`]);
    const icmp = file.packets.filter((p) => isIcmp(p.data));
    // Each side sees its own 3 requests and replies and the other's 3 requests and replies.
    expect(icmp.filter((p) => p.interfaceId === 0).length).toBeGreaterThanOrEqual(12);
    expect(icmp.filter((p) => p.interfaceId === 1).length).toBeGreaterThanOrEqual(12);
    const times = file.packets.map((p) => p.timestampNs);
    expect(times).toEqual([...times].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(file.statistics.map((s) => s.interfaceId)).toEqual([0, 1]);
    console.log(
      `hub-trace-capture: cluster capture: first byte ${open.firstByteMs} ms, ${file.packets.length} packets, ${bytes.length} bytes, ended ${ms} ms later`,
    );
  });

  it("leaves no tcpdump on the node when the client disconnects mid-capture", async () => {
    const src = pod("node-2", 0);
    const open = await post("/api/v1/n/node-2/captures", { netnsId: src.netnsId, iface: "eth0", seconds: 30 });
    expect(open.status).toBe(200);
    await within("a tcpdump on node-2", 5000, () => Promise.resolve(tcpdumpsOn("node-2").length > 0));
    const t = Date.now();
    open.disconnect();
    const ms = await within("no tcpdump left on node-2", 5000, () => Promise.resolve(tcpdumpsOn("node-2").length === 0));
    console.log(`hub-trace-capture: the client left; node-2's tcpdump gone ${Date.now() - t} ms later (${ms} ms polling)`);
    const status = await hub.get("/api/v1/n/node-2/snapshot?view=overview");
    expect(status.status).toBe(200);
  });

  it("answers 404 for an unknown node and 400 for a bad body, asking no agent", async () => {
    const unknown = await post("/api/v1/n/node-9/captures", { netnsId: pod("node-1", 0).netnsId, iface: "eth0" });
    expect([unknown.status, (await json(unknown)).title]).toEqual([404, "No such node"]);
    const bad = await post("/api/v1/n/node-1/captures", { netnsId: pod("node-1", 0).netnsId, iface: "eth0", seconds: 600 });
    expect(bad.status).toBe(400);
    // The front door's rules, as for a local capture: no credentials 401, a session without the dashboard's header 403, with it through.
    const body = { netnsId: pod("node-1", 0).netnsId, iface: "eth0", seconds: 1 };
    expect((await post("/api/v1/n/node-1/captures", body, { isBearer: false })).status).toBe(401);
    const cookie = `${SESSION_COOKIE}=${sessionValue(TOKEN)}`;
    const crossSite = await post("/api/v1/n/node-1/captures", body, { isBearer: false, headers: { cookie } });
    expect([crossSite.status, (await json(crossSite)).title]).toEqual([403, "Cross-site write refused"]);
    expect((await post("/api/v1/cluster/captures", { sources: [{ node: "node-1", ...body }] }, { isBearer: false, headers: { cookie } })).status).toBe(403);
    const session = await post("/api/v1/n/node-1/captures", body, { isBearer: false, headers: { cookie, "x-nsatlas-request": "1" } });
    expect(session.status).toBe(200);
    expect(readPcapng((await session.done).bytes).interfaces).toHaveLength(1);
    const badCluster = await post("/api/v1/cluster/captures", { sources: [{ node: "node-9", netnsId: pod("node-1", 0).netnsId, iface: "eth0" }] });
    expect(badCluster.status).toBe(404);
  });

  it("hands on the 403 of an agent whose capture is off, naming the node", async () => {
    await cluster.restartAgent("node-2", { agentEnv: {} });
    await within("node-2 up again", 30_000, async () => (await states())["node-2"] === "up");
    const off = await post("/api/v1/n/node-2/captures", { netnsId: pod("node-2", 0).netnsId, iface: "eth0", seconds: 2 });
    const problem = await json(off);
    expect([off.status, off.headers["x-nsatlas-node"], problem.title]).toEqual([403, "node-2", "Capture is off"]);
    expect(problem.detail).toMatch(/^node node-2: packet capture is off on this agent/);
    const merged = await post("/api/v1/cluster/captures", {
      sources: [
        { node: "node-1", netnsId: pod("node-1", 0).netnsId, iface: "eth0" },
        { node: "node-2", netnsId: pod("node-2", 0).netnsId, iface: "eth0" },
      ],
      seconds: 2,
    });
    expect([merged.status, (await json(merged)).detail]).toEqual([403, expect.stringMatching(/^node node-2: /)]);
    // node-1's capture, opened alongside, was stopped.
    await within("no tcpdump left on node-1", 5000, () => Promise.resolve(tcpdumpsOn("node-1").length === 0));
  });
});
