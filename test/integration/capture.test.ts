/**
 * Packet capture on the real kernel, over namespaces this file makes (every name starts with t19cap;
 * all removed in afterAll, even when a test fails), against the real dashboard (npm start) and the
 * real node agent (`nsatlas agent`):
 *
 *   t19cap-a  eth0 10.219.0.1/24  ── veth ──  t19cap-b  eth0 10.219.0.2/24
 *
 * Pings and UDP go only between these two. Each file is read with the strict pcapng reader (and once
 * with tcpdump -r); the limits, refusals, client disconnects (no tcpdump left behind), the byte cap,
 * the capabilities it needs (setpriv) and the exclusion of the request's own connection are checked.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPcapng, type PcapngFile } from "../../server/capture/pcapng-reader";
import { captureStatusSchema } from "../../server/contract/capture";
import { problemSchema } from "../../server/contract/problem";
import { sessionValue } from "../../server/http/security";
import { startDashboard, type DashboardServer } from "../e2e/helpers/dashboard-server";
import { run, tryRun } from "../lab/sh";
import { startAgent, type AgentProcess } from "./helpers/agent-process";
import { freePort } from "./helpers/free-port";

const P = "t19cap";
const A = `${P}-a`;
const B = `${P}-b`;
const ADDR_A = "10.219.0.1";
const ADDR_B = "10.219.0.2";
const TOKEN = "t19cap-token-0123456789abcdef";
/** The dashboard's byte cap (NSATLAS_CAPTURE_MAX_MB), small enough for a UDP burst to reach. */
const CAP_MB = 0.25;
const ROOT = path.resolve(import.meta.dirname, "../..");
const NSATLAS_BIN = path.join(ROOT, "server/bin/nsatlas.mjs");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "t19cap-"));

const made: string[] = [];
const children: ChildProcess[] = [];
let ids: { a: string; b: string };
let dashboard: DashboardServer;
let dashboardOff: DashboardServer | undefined;
let agent: AgentProcess;
let agentOff: AgentProcess;

const inode = (ns: string) => run("stat", ["-L", "-c", "%i", `/run/netns/${ns}`]).trim();
const inNs = (ns: string, args: string[]) => ["nsenter", `--net=/run/netns/${ns}`, "--", ...args];

function build(): void {
  for (const ns of [A, B]) {
    run("ip", ["netns", "add", ns]);
    made.push(ns);
    run("ip", ["-n", ns, "link", "set", "lo", "up"]);
  }
  run("ip", ["-n", A, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", B]);
  for (const [ns, addr] of [
    [A, ADDR_A],
    [B, ADDR_B],
  ] as const) {
    run("ip", ["-n", ns, "link", "set", "eth0", "addrgenmode", "none"]);
    run("ip", ["-n", ns, "addr", "add", `${addr}/24`, "dev", "eth0"]);
    run("ip", ["-n", ns, "link", "set", "eth0", "up"]);
  }
}

function teardown(): void {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const ns of made.splice(0).reverse()) tryRun("ip", ["netns", "del", ns]);
}

/** Runs `args` in namespace `ns` in the background; killed in afterAll if still running. */
function background(ns: string, args: string[]): ChildProcess {
  const [cmd = "", ...rest] = inNs(ns, args);
  const child = spawn(cmd, rest, { stdio: "ignore" });
  children.push(child);
  return child;
}

const ping = (count: number, interval = "0.2") => background(A, ["busybox", "ping", "-c", String(count), "-i", interval, ADDR_B]);

/** UDP datagrams of `size` bytes from a to b:9999 for `ms`, `gapMs` apart; 0: a flood (64 at a time, as fast as the loop goes). */
function udp(ms: number, size: number, gapMs: number): ChildProcess {
  const script = `
    const s = require("node:dgram").createSocket("udp4"); const buf = Buffer.alloc(${size}, 120); const end = Date.now() + ${ms};
    const flood = () => { for (let i = 0; i < 64; i++) s.send(buf, 9999, "${ADDR_B}"); if (Date.now() < end) setImmediate(flood); else s.close(); };
    const send = () => { if (Date.now() > end) return s.close(); s.send(buf, 9999, "${ADDR_B}", () => setTimeout(send, ${gapMs})); };
    ${gapMs === 0 ? "flood()" : "send()"};`;
  return background(A, [process.execPath, "-e", script]);
}

interface Answer {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

async function post(base: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<Answer> {
  const res = await fetch(`${base}/api/v1/captures`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const problem = (a: Answer) => problemSchema.parse(JSON.parse(a.bytes.toString("utf8")));

/** IPv4 over Ethernet: protocol, addresses, ICMP type or ports. */
function ipv4(frame: Buffer): { proto: number; src: string; dst: string; icmpType?: number; srcPort?: number; dstPort?: number } | undefined {
  if (frame.length < 34 || frame.readUInt16BE(12) !== 0x0800) return undefined;
  const ihl = (frame[14] ?? 0) & 0x0f;
  const proto = frame[23] ?? 0;
  const l4 = 14 + ihl * 4;
  const addr = (at: number) => [...frame.subarray(at, at + 4)].join(".");
  const base = { proto, src: addr(26), dst: addr(30) };
  if (proto === 1) return { ...base, icmpType: frame[l4] };
  if ((proto === 6 || proto === 17) && frame.length >= l4 + 4) return { ...base, srcPort: frame.readUInt16BE(l4), dstPort: frame.readUInt16BE(l4 + 2) };
  return base;
}

/** The tcpdump and nsenter processes in these process groups (a server and what it started). */
function capturesIn(pgids: number[]): number[] {
  const found: number[] = [];
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue;
    }
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    if ((comm === "tcpdump" || comm === "nsenter") && pgids.includes(pgid)) found.push(Number(pid));
  }
  return found;
}

/** The children of process `pid` named tcpdump or nsenter. */
function captureChildrenOf(pid: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        return (comm === "tcpdump" || comm === "nsenter") && Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The audit lines of a capture in a server's output. */
function captureAudits(output: string): Array<{ who: string; detail: string }> {
  return output
    .split("\n")
    .filter((l) => l.includes('"audit":"capture"'))
    .map((l) => JSON.parse(l) as { who: string; detail: string });
}

/**
 * Starts a capture over node:http and returns once the first bytes (the SHB) arrived; `disconnect`
 * then destroys the socket, as a client that goes away.
 */
function openCapture(base: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; disconnect: () => void; firstBytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/v1/captures`, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      res.once("data", (chunk: Buffer) => resolve({ status: res.statusCode ?? 0, disconnect: () => req.destroy(), firstBytes: chunk }));
      res.once("error", () => undefined);
    });
    req.on("error", (err) => (err.message.includes("socket hang up") || err.message.includes("aborted") ? undefined : reject(err)));
    req.end(JSON.stringify(body));
  });
}

/** `nsatlas agent` with a command in front (setpriv, nsenter) on `host:port`. */
async function agentWith(
  prefix: string[],
  env: Record<string, string>,
  host: string,
  port: number,
  probe: (url: string) => Promise<boolean>,
): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const dataDir = fs.mkdtempSync(path.join(tmp, "agent-"));
  const [cmd = "", ...rest] = [...prefix, process.execPath, NSATLAS_BIN, "agent", "--listen", `${host}:${port}`];
  const child = spawn(cmd, rest, { cwd: tmp, env: { ...process.env, NSATLAS_DATA_DIR: dataDir, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + 30_000;
  while (!(await probe(url))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`agent did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return { url, child, output: () => output };
}

const livez = (url: string) =>
  fetch(`${url}/livez`).then(
    (r) => r.ok,
    () => false,
  );

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("capture.test.ts builds namespaces and runs tcpdump: run it as root");
  for (const ns of [A, B]) tryRun("ip", ["netns", "del", ns]);
  try {
    build();
  } catch (err) {
    teardown();
    throw err;
  }
  ids = { a: inode(A), b: inode(B) };
  const common = { NSATLAS_RECORD_INTERVAL_MS: "0", NSATLAS_SNAPSHOT_TTL_MS: "0" };
  [dashboard, agent, agentOff] = await Promise.all([
    startDashboard({ ...common, NSATLAS_CAPTURE: "1", NSATLAS_CAPTURE_MAX_MB: String(CAP_MB), NSATLAS_TOKEN: TOKEN }, 400_000, true),
    startAgent({ ...common, NSATLAS_CAPTURE: "1", NSATLAS_TOKEN: TOKEN }),
    startAgent({ ...common, NSATLAS_TOKEN: TOKEN }),
  ]);
  // Built by now: the second dashboard starts at once.
  dashboardOff = await startDashboard({ ...common, NSATLAS_TOKEN: TOKEN }, 400_000, true);
}, 600_000);

afterAll(async () => {
  await Promise.all([dashboard?.stop(), dashboardOff?.stop(), agent?.stop(), agentOff?.stop()]);
  teardown();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("a capture on the dashboard", () => {
  it("is off unless NSATLAS_CAPTURE=1, and says how to turn it on", async () => {
    const status = captureStatusSchema.parse(
      await (await fetch(`${dashboardOff?.url}/api/v1/captures`, { headers: { authorization: `Bearer ${TOKEN}` } })).json(),
    );
    expect(status).toMatchObject({ isEnabled: false, running: 0 });
    const off = await post(dashboardOff?.url ?? "", { netnsId: ids.a, iface: "eth0", seconds: 1 });
    expect(off.status).toBe(403);
    expect(problem(off).detail).toContain("NSATLAS_CAPTURE=1");
    const on = captureStatusSchema.parse(await (await fetch(`${dashboard.url}/api/v1/captures`, { headers: { authorization: `Bearer ${TOKEN}` } })).json());
    expect(on).toEqual({
      isEnabled: true,
      running: 0,
      maxConcurrent: 2,
      maxSeconds: 60,
      maxSources: 8,
      maxBytes: CAP_MB * 1024 * 1024,
      missingCapabilities: [],
    });
  });

  it("streams a pcapng of one interface with the ICMP echoes and nothing the filter leaves out", async () => {
    // Pings outlast the capture: on a loaded machine tcpdump may start a second late.
    const traffic = [ping(20), udp(4000, 200, 50)];
    const answer = await post(dashboard.url, { netnsId: ids.a, iface: "eth0", seconds: 2, filter: "icmp" });
    traffic.forEach((c) => c.kill());
    expect(answer.status, answer.bytes.toString()).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/x-pcapng");
    expect(answer.headers.get("content-disposition")).toMatch(/^attachment; filename="nsatlas-[A-Za-z0-9._+-]+-t19cap-a_eth0-\d{8}-\d{6}\.pcapng"$/);
    const file = readPcapng(answer.bytes);
    expect(file.section.userAppl).toMatch(/^nsatlas /);
    expect(file.interfaces).toEqual([
      expect.objectContaining({
        linktype: 1,
        snaplen: 262144,
        name: `${A}/eth0`,
        // The request's own connection is left out wherever it is known (it can match nothing else).
        filter: expect.stringMatching(/^\(icmp\) and not \(tcp and host 127\.0\.0\.1 and port \d+ and host 127\.0\.0\.1 and port \d+\)$/),
        tsResolution: 9,
        description: expect.stringContaining(ids.a),
      }),
    ]);
    const frames = file.packets.map((p) => ipv4(p.data));
    expect(frames.some((f) => f?.proto === 1 && f.icmpType === 8 && f.src === ADDR_A && f.dst === ADDR_B)).toBe(true);
    expect(frames.some((f) => f?.proto === 1 && f.icmpType === 0 && f.src === ADDR_B && f.dst === ADDR_A)).toBe(true);
    expect(frames.filter((f) => f?.proto !== 1)).toEqual([]);
    expect(file.statistics).toEqual([expect.objectContaining({ interfaceId: 0, delivered: BigInt(file.packets.length) })]);
    // libpcap reads it too.
    const saved = path.join(tmp, "one.pcapng");
    fs.writeFileSync(saved, answer.bytes);
    const read = spawnSync("tcpdump", ["-nn", "-r", saved], { encoding: "utf8" });
    expect(read.status, read.stderr).toBe(0);
    expect(read.stdout).toContain(`${ADDR_A} > ${ADDR_B}: ICMP echo request`);
    // The audit entry: who, where, the filter, how long, bytes and packets.
    const audit = await until("the audit line", () => captureAudits(dashboard.output()).find((a) => a.detail.startsWith(`${A}/eth0 (netns ${ids.a})`)));
    expect(audit.who).toMatch(/^http bearer 127\.0\.0\.1 /);
    expect(audit.detail).toMatch(
      new RegExp(`filter "icmp" snaplen 262144, 2 s asked: ran \\d+ ms, ${answer.bytes.length} bytes, ${file.packets.length} packets, ended by time`),
    );
  });

  it("holds both sides of a ping in one pcapng: an IDB per namespace, timestamps in order", async () => {
    const pinger = ping(20);
    const answer = await post(dashboard.url, {
      sources: [
        { netnsId: ids.a, iface: "eth0" },
        { netnsId: ids.b, iface: "eth0" },
      ],
      seconds: 2,
      filter: "icmp",
    });
    pinger.kill();
    expect(answer.status, answer.bytes.toString()).toBe(200);
    const file = readPcapng(answer.bytes);
    expect(file.interfaces.map((i) => i.name)).toEqual([`${A}/eth0`, `${B}/eth0`]);
    const on = (id: number, type: number) => file.packets.filter((p) => p.interfaceId === id && ipv4(p.data)?.icmpType === type).length;
    // Each echo leaves a and arrives at b; each reply leaves b and arrives at a.
    for (const id of [0, 1]) for (const type of [0, 8]) expect(on(id, type), `interface ${id}, ICMP type ${type}`).toBeGreaterThan(0);
    const stamps = file.packets.map((p) => p.timestampNs);
    expect(stamps).toEqual([...stamps].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(file.statistics.map((s) => s.interfaceId)).toEqual([0, 1]);
  });

  it("captures a veth and its peer from one of its ends", async () => {
    const pinger = ping(3);
    const answer = await post(dashboard.url, { veth: { netnsId: ids.a, iface: "eth0" }, seconds: 1, filter: "icmp" });
    pinger.kill();
    expect(answer.status, answer.bytes.toString()).toBe(200);
    expect(readPcapng(answer.bytes).interfaces.map((i) => i.name)).toEqual([`${A}/eth0`, `${B}/eth0`]);
  });

  it.each([
    ["seconds 0", { netnsId: "A", iface: "eth0", seconds: 0 }, 400, /seconds: a capture runs 1 to 60 seconds/],
    ["seconds 61", { netnsId: "A", iface: "eth0", seconds: 61 }, 400, /seconds: a capture runs 1 to 60 seconds/],
    ["a broken filter", { netnsId: "A", iface: "eth0", seconds: 1, filter: "icmp and and" }, 400, /t19cap-a\/eth0: .*syntax error/],
    ["an unknown host in the filter", { netnsId: "A", iface: "eth0", seconds: 1, filter: "host no-such-host.invalid" }, 400, /no-such-host\.invalid/],
    ["an unknown namespace", { netnsId: "999999999999", iface: "eth0", seconds: 1 }, 404, /no network namespace with inode 999999999999/],
    ["an unknown interface", { netnsId: "A", iface: "eth9", seconds: 1 }, 404, /has no interface eth9 \(it has lo, eth0\)/],
    ["an unknown pod", { pod: "t19cap/nobody", seconds: 1 }, 404, /no pod t19cap\/nobody/],
    ["a veth that is not one", { veth: { netnsId: "A", iface: "lo" }, seconds: 1 }, 400, /loopback interface, not a veth/],
  ])("refuses %s", async (_, body, status, detail) => {
    const answer = await post(dashboard.url, JSON.stringify(body).replace('"A"', JSON.stringify(ids.a)));
    expect(answer.status, answer.bytes.toString()).toBe(status);
    expect(answer.headers.get("content-type")).toBe("application/problem+json");
    expect(problem(answer).detail).toMatch(detail);
  });

  it("takes dashboard sessions only with the CSRF header", async () => {
    const cookie = `nsatlas_session=${sessionValue(TOKEN)}`;
    const body = { netnsId: ids.a, iface: "eth0", seconds: 1 };
    const refused = await post(dashboard.url, body, { cookie, "sec-fetch-site": "same-origin" });
    expect(refused.status).toBe(403);
    expect(problem(refused).title).toBe("Cross-site write refused");
    const crossSite = await post(dashboard.url, body, { cookie, "sec-fetch-site": "cross-site", "x-nsatlas-request": "1" });
    expect(crossSite.status).toBe(403);
    const ok = await post(dashboard.url, body, { cookie, "sec-fetch-site": "same-origin", "x-nsatlas-request": "1" });
    expect(ok.status).toBe(200);
    expect(readPcapng(ok.bytes).interfaces).toHaveLength(1);
    expect((await post(dashboard.url, body, {})).status).toBe(401);
  });

  it("runs two at once, refuses a third with 429 and Retry-After, and stops at once when the client leaves", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const first = await openCapture(dashboard.url, { netnsId: ids.a, iface: "eth0", seconds: 30 }, auth);
    const second = await openCapture(dashboard.url, { netnsId: ids.b, iface: "eth0", seconds: 30 }, auth);
    expect([first.status, second.status]).toEqual([200, 200]);
    // The SHB comes first.
    expect(first.firstBytes.readUInt32LE(0)).toBe(0x0a0d0d0a);
    expect(capturesIn(dashboard.pgids())).toHaveLength(2);
    const third = await post(dashboard.url, { netnsId: ids.a, iface: "lo", seconds: 1 });
    expect(third.status).toBe(429);
    // Until the sooner of the two 30 s captures ends (each slot allows 5 s to start): how much is left depends on when the third arrived.
    const retryAfter = Number(third.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(35);
    expect(problem(third).detail).toMatch(/at most 2 at once/);
    first.disconnect();
    second.disconnect();
    // SIGTERM at once, SIGKILL a second later at the latest: nothing left within two seconds.
    const started = Date.now();
    await until("no tcpdump left", () => capturesIn(dashboard.pgids()).length === 0, 3000);
    expect(Date.now() - started).toBeLessThan(2500);
    const audits = await until("two audit lines ended by the client", () => {
      const found = captureAudits(dashboard.output()).filter((a) => a.detail.includes("ended by client"));
      return found.length >= 2 ? found : undefined;
    });
    expect(audits[0]?.detail).toMatch(/30 s asked: ran \d+ ms/);
    // The audit lines come after the slots are free.
    const after = await post(dashboard.url, { netnsId: ids.a, iface: "lo", seconds: 1 });
    expect(after.status).toBe(200);
  });

  it("ends the file cleanly at the byte cap", async () => {
    const blast = udp(8000, 1200, 0);
    const started = Date.now();
    const answer = await post(dashboard.url, { netnsId: ids.b, iface: "eth0", seconds: 10, filter: "udp port 9999" });
    const took = Date.now() - started;
    blast.kill();
    expect(answer.status).toBe(200);
    const cap = CAP_MB * 1024 * 1024;
    expect(answer.bytes.length).toBeLessThanOrEqual(cap);
    expect(answer.bytes.length).toBeGreaterThan(cap - 2 * 1300);
    // Reads to the end: whole blocks only, the statistics block last.
    const file: PcapngFile = readPcapng(answer.bytes);
    expect(file.packets.length).toBeGreaterThan(100);
    expect(file.statistics).toEqual([expect.objectContaining({ interfaceId: 0, delivered: BigInt(file.packets.length) })]);
    expect(took).toBeLessThan(9000);
    await until("the audit line", () => captureAudits(dashboard.output()).find((a) => a.detail.includes("ended by byte-cap")));
  });
});

describe("a capture on the node agent", () => {
  it("is the one POST the agent takes; it streams the same file", async () => {
    const pinger = ping(4);
    const answer = await post(agent.url, { sources: [{ netnsId: ids.b, iface: "eth0" }], seconds: 1, filter: "icmp" });
    pinger.kill();
    expect(answer.status, answer.bytes.toString()).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/x-pcapng");
    expect(answer.headers.get("x-frame-options")).toBe("DENY");
    const file = readPcapng(answer.bytes);
    expect(file.interfaces.map((i) => i.name)).toEqual([`${B}/eth0`]);
    expect(file.packets.some((p) => ipv4(p.data)?.icmpType === 8)).toBe(true);
    await until("the audit line", () => captureAudits(agent.output()).find((a) => a.who.startsWith("http bearer 127.0.0.1")));
    // Every other write is still refused as such.
    expect((await fetch(`${agent.url}/api/v1/snapshot`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    expect((await fetch(`${agent.url}/api/v1/captures`, { method: "PUT", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    expect((await post(agent.url, { netnsId: ids.b, iface: "eth0", seconds: 1 }, {})).status).toBe(401);
    expect(
      (await post(agent.url, { netnsId: ids.b, iface: "eth0", seconds: 1 }, { "x-nsatlas-request": "1", authorization: "Bearer wrong-token-0123456789" }))
        .status,
    ).toBe(401);
  });

  it("refuses what the dashboard refuses", async () => {
    expect((await post(agent.url, { netnsId: ids.b, iface: "eth0", seconds: 61 })).status).toBe(400);
    const broken = await post(agent.url, { netnsId: ids.b, iface: "eth0", seconds: 1, filter: "tcp port" });
    expect(broken.status).toBe(400);
    expect(problem(broken).detail).toMatch(/t19cap-b\/eth0: /);
    expect((await post(agent.url, { netnsId: ids.b, iface: "nope", seconds: 1 })).status).toBe(404);
    const off = await post(agentOff.url, { netnsId: ids.b, iface: "eth0", seconds: 1 });
    expect(off.status).toBe(403);
    expect(problem(off).detail).toContain("NSATLAS_CAPTURE=1");
  });

  it("stops the tcpdump at once when the client leaves", async () => {
    const open = await openCapture(agent.url, { netnsId: ids.a, iface: "eth0", seconds: 30 }, { authorization: `Bearer ${TOKEN}` });
    expect(open.status).toBe(200);
    const pid = agent.child.pid ?? 0;
    expect(captureChildrenOf(pid)).toHaveLength(1);
    open.disconnect();
    await until("no tcpdump left under the agent", () => captureChildrenOf(pid).length === 0, 3000);
  });
});

describe("a client that stops reading", () => {
  it("still has its capture end on time, its tcpdump gone and its slot free", async () => {
    const blast = udp(6000, 1200, 0);
    const paused = await new Promise<{ req: http.ClientRequest; res: http.IncomingMessage }>((resolve, reject) => {
      const req = http.request(
        `${agent.url}/api/v1/captures`,
        { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` } },
        (res) => {
          res.once("data", () => {
            // Reads nothing more: the server's queue fills, its pipes pause, tcpdump's writes block.
            res.pause();
            resolve({ req, res });
          });
        },
      );
      req.on("error", (err) => (err.message.includes("socket hang up") ? undefined : reject(err)));
      req.end(JSON.stringify({ netnsId: ids.b, iface: "eth0", seconds: 2, filter: "udp port 9999" }));
    });
    const pid = agent.child.pid ?? 0;
    expect(captureChildrenOf(pid)).toHaveLength(1);
    await until("the tcpdump gone after its 2 s", () => captureChildrenOf(pid).length === 0, 6000);
    const status = captureStatusSchema.parse(await (await fetch(`${agent.url}/api/v1/captures`, { headers: { authorization: `Bearer ${TOKEN}` } })).json());
    expect(status.running).toBe(0);
    blast.kill();
    paused.req.destroy();
  });
});

describe("privileges", () => {
  const AGENT_CAPS = ["sys_admin", "sys_ptrace", "dac_read_search", "net_broadcast"];
  const setpriv = (caps: string[]) => ["setpriv", "--inh-caps=-all", "--ambient-caps=-all", `--bounding-set=-all${caps.map((c) => `,+${c}`).join("")}`, "--"];

  it("needs CAP_NET_RAW, CAP_SETUID, CAP_SETGID and CAP_KILL besides the agent's own, and says so without them", async () => {
    const without = await agentWith(setpriv(AGENT_CAPS), { NSATLAS_CAPTURE: "1", NSATLAS_WATCH_CHANGES: "false" }, "127.0.0.1", await freePort(), livez);
    const status = captureStatusSchema.parse(await (await fetch(`${without.url}/api/v1/captures`)).json());
    expect(status.missingCapabilities).toEqual(["CAP_NET_RAW", "CAP_SETUID", "CAP_SETGID", "CAP_KILL"]);
    const refused = await post(without.url, { netnsId: ids.a, iface: "eth0", seconds: 1 }, { "x-nsatlas-request": "1" });
    expect(refused.status).toBe(503);
    expect(problem(refused).detail).toMatch(/lacks CAP_NET_RAW, CAP_SETUID, CAP_SETGID, CAP_KILL/);
    without.child.kill("SIGTERM");

    const least = await agentWith(
      setpriv([...AGENT_CAPS, "net_raw", "setuid", "setgid", "kill"]),
      { NSATLAS_CAPTURE: "1", NSATLAS_WATCH_CHANGES: "false" },
      "127.0.0.1",
      await freePort(),
      livez,
    );
    const pinger = ping(20);
    const answer = await post(least.url, { netnsId: ids.a, iface: "eth0", seconds: 2, filter: "icmp" }, { "x-nsatlas-request": "1" });
    pinger.kill();
    expect(answer.status, answer.bytes.toString()).toBe(200);
    expect(readPcapng(answer.bytes).packets.length).toBeGreaterThan(0);
    // tcpdump drops to its own user: only CAP_KILL lets the agent stop it when the client leaves.
    const open = await openCapture(least.url, { netnsId: ids.a, iface: "eth0", seconds: 30 }, { "x-nsatlas-request": "1" });
    const pid = least.child.pid ?? 0;
    const [tcpdump] = captureChildrenOf(pid);
    expect(fs.readFileSync(`/proc/${tcpdump}/status`, "utf8")).toMatch(/^Uid:\s+(\d+)\s/m);
    expect(/^Uid:\s+0\s/m.test(fs.readFileSync(`/proc/${tcpdump}/status`, "utf8"))).toBe(false);
    open.disconnect();
    await until("no tcpdump left under the least-privilege agent", () => captureChildrenOf(pid).length === 0, 3000);
    least.child.kill("SIGTERM");
  });
});

describe("the capture never captures itself", () => {
  it("leaves out its own connection on the agent's own namespace", async () => {
    // An agent whose own namespace is t19cap-a, asked from t19cap-b: the file's connection runs over a's eth0.
    const port = await freePort();
    const inB = (script: string) =>
      spawnSync(inNs(B, [process.execPath, "-e", script])[0] ?? "", inNs(B, [process.execPath, "-e", script]).slice(1), { encoding: "utf8", timeout: 60_000 });
    const reachable = (url: string) => Promise.resolve(inB(`fetch("${url}/livez").then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))`).status === 0);
    const inside = await agentWith(inNs(A, []), { NSATLAS_CAPTURE: "1", NSATLAS_TOKEN: TOKEN, NSATLAS_WATCH_CHANGES: "false" }, ADDR_A, port, reachable);
    const out = path.join(tmp, "self.pcapng");
    // The capture's own request, and half a second into it a probe of the same port from another connection.
    const client = `
      const http = require("node:http"); const fs = require("node:fs"); const seen = {};
      const req = http.request("${inside.url}/api/v1/captures", { method: "POST", headers: { authorization: "Bearer ${TOKEN}", "content-type": "application/json" } }, (res) => {
        seen.status = res.statusCode; seen.port = req.socket.localPort;
        const chunks = []; res.on("data", (c) => chunks.push(c));
        setTimeout(() => http.get("${inside.url}/livez", { agent: false }, (r) => { seen.probePort = r.socket.localPort; r.resume(); }), 500);
        res.on("end", () => { fs.writeFileSync("${out}", Buffer.concat(chunks)); console.log(JSON.stringify(seen)); });
      });
      req.end(JSON.stringify({ netnsId: "${ids.a}", iface: "eth0", seconds: 2 }));`;
    const result = inB(client);
    inside.child.kill("SIGTERM");
    expect(result.status, result.stderr).toBe(0);
    const { status, port: clientPort, probePort } = JSON.parse(result.stdout) as { status: number; port: number; probePort: number };
    expect(status).toBe(200);
    const file = readPcapng(fs.readFileSync(out));
    expect(file.interfaces[0]?.name).toBe("host/eth0");
    expect(file.interfaces[0]?.filter).toBe(`not (tcp and host ${ADDR_B} and port ${clientPort} and host ${ADDR_A} and port ${port})`);
    const tcp = file.packets.map((p) => ipv4(p.data)).filter((f) => f?.proto === 6);
    const between = (a: number, b: number) => tcp.filter((f) => [f?.srcPort, f?.dstPort].includes(a) && [f?.srcPort, f?.dstPort].includes(b));
    expect(between(clientPort, port)).toEqual([]);
    // The exclusion is that narrow: another connection to the same port is in the file.
    expect(between(probePort, port).length).toBeGreaterThan(0);
  });
});
