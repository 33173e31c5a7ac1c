/**
 * Path trace on the real kernel, over a topology this file builds (every name starts with t19tr and
 * everything is removed in afterAll, even when a test fails):
 *
 *   t19tr-h1 (10.190.1.1, fd19::1) ─┐                 ┌─ t19tr-r  eth0 10.190.1.254, forwards ── eth1 ── t19tr-far (10.190.2.2)
 *   t19tr-h2 (10.190.1.2, fd19::2) ─┼─ br0 in t19tr-br ┤                                       ── eth2 ── t19tr-dn  (10.190.3.2; its end taken down)
 *                                   │                 │                                        ── eth3 ── t19tr-sm  (10.190.4.2; MTU 1280)
 *                                   │                 │                                        ── eth4 ── t19tr-rp  (10.190.5.2; strict rp_filter, no way back)
 *                                   │                 │                                        ── vx0  vxlan 42 → 203.0.113.7 (10.196.0.1/24)
 *                                   │                 └─ t19tr-r2 eth0 10.190.1.253, forwards (10.195/16 back to r: a loop)
 *
 * r holds blackhole 10.191.1/24, unreachable 10.191.2/24, prohibit 10.191.3/24 and no default route;
 * h1 sends 10.193/16 via h2 (which does not forward) and 10.194/16 via 10.190.1.99 (which nobody has).
 * Each verdict and hop list is checked against this layout, and against a real ping where it must pass
 * or fail.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../server/config";
import { traceResultSchema, traceQuerySchema, type TraceResult } from "../../server/contract/trace";
import type { Snapshot } from "../../server/contract/snapshot";
import { SnapshotService } from "../../server/snapshot/snapshot-service";
import { traceSource } from "../../server/trace/trace-source";
import { run, tryRun } from "../lab/sh";
import { addVeth } from "./helpers/iproute";

const P = "t19tr";
const NS = ["br", "h1", "h2", "r", "r2", "far", "dn", "sm", "rp"].map((n) => `${P}-${n}`);
const [BR = "", H1 = "", H2 = "", R = "", R2 = "", FAR = "", DN = "", SM = "", RP = ""] = NS;
const made: string[] = [];

const ip = (...args: string[]) => run("ip", args);
const inNs = (ns: string, ...args: string[]) => run("ip", ["netns", "exec", ns, ...args]);
const inode = (ns: string) => run("stat", ["-L", "-c", "%i", `/run/netns/${ns}`]).trim();
const sysctl = (ns: string, setting: string) => inNs(ns, "sysctl", "-qw", setting);

function addNetns(name: string, forwards: boolean): void {
  ip("netns", "add", name);
  made.push(name);
  ip("-n", name, "link", "set", "lo", "up");
  // New namespaces copy the host's IPv4 settings (ip_forward is often 1 on a Docker host): say it.
  sysctl(name, `net.ipv4.ip_forward=${forwards ? 1 : 0}`);
  sysctl(name, `net.ipv6.conf.all.forwarding=${forwards ? 1 : 0}`);
  sysctl(name, "net.ipv4.conf.all.rp_filter=0");
  sysctl(name, "net.ipv4.conf.default.rp_filter=0");
}

/** A host on the bridge: its eth0, its bridge port, addresses, default route via r. */
function onBridge(ns: string, port: string, addr: string, addr6?: string): void {
  addVeth(BR, port, undefined, ns, "eth0", addr);
  ip("-n", BR, "link", "set", port, "master", "br0");
  if (addr6 !== undefined) ip("-n", ns, "-6", "addr", "add", addr6, "dev", "eth0", "nodad");
}

function build(): void {
  for (const ns of NS) addNetns(ns, ns === R || ns === R2);
  ip("-n", BR, "link", "add", "br0", "type", "bridge");
  ip("-n", BR, "link", "set", "br0", "addrgenmode", "none");
  ip("-n", BR, "link", "set", "br0", "up");
  onBridge(H1, "p1", "10.190.1.1/24", "fd19::1/64");
  onBridge(H2, "p2", "10.190.1.2/24", "fd19::2/64");
  onBridge(R, "pr", "10.190.1.254/24");
  onBridge(R2, "pr2", "10.190.1.253/24");
  for (const h of [H1, H2]) ip("-n", h, "route", "add", "default", "via", "10.190.1.254");
  addVeth(R, "eth1", "10.190.2.1/24", FAR, "eth0", "10.190.2.2/24");
  ip("-n", FAR, "route", "add", "default", "via", "10.190.2.1");
  addVeth(R, "eth2", "10.190.3.1/24", DN, "eth0", "10.190.3.2/24");
  ip("-n", DN, "route", "add", "default", "via", "10.190.3.1");
  addVeth(R, "eth3", "10.190.4.1/24", SM, "eth0", "10.190.4.2/24");
  ip("-n", R, "link", "set", "eth3", "mtu", "1280");
  ip("-n", SM, "link", "set", "eth0", "mtu", "1280");
  ip("-n", SM, "route", "add", "default", "via", "10.190.4.1");
  addVeth(R, "eth4", "10.190.5.1/24", RP, "eth0", "10.190.5.2/24");
  sysctl(RP, "net.ipv4.conf.all.rp_filter=1");
  sysctl(RP, "net.ipv4.conf.eth0.rp_filter=1");
  ip("-n", R, "link", "add", "vx0", "type", "vxlan", "id", "42", "remote", "203.0.113.7", "dstport", "4789");
  ip("-n", R, "link", "set", "vx0", "addrgenmode", "none");
  ip("-n", R, "addr", "add", "10.196.0.1/24", "dev", "vx0");
  ip("-n", R, "link", "set", "vx0", "up");
  ip("-n", R, "route", "add", "blackhole", "10.191.1.0/24");
  ip("-n", R, "route", "add", "unreachable", "10.191.2.0/24");
  ip("-n", R, "route", "add", "prohibit", "10.191.3.0/24");
  ip("-n", R, "route", "add", "10.195.0.0/16", "via", "10.190.1.253");
  ip("-n", R2, "route", "add", "10.195.0.0/16", "via", "10.190.1.254");
  ip("-n", H1, "route", "add", "10.193.0.0/16", "via", "10.190.1.2");
  ip("-n", H1, "route", "add", "10.194.0.0/16", "via", "10.190.1.99");
  // Taken down last, after its routes were made: r's end loses its carrier, its route stays.
  ip("-n", DN, "link", "set", "eth0", "down");
}

function teardown(): void {
  for (const ns of made.splice(0).reverse()) tryRun("ip", ["netns", "del", ns]);
}

/** Does one ping from `ns` get an answer within a second? */
function pings(ns: string, to: string): boolean {
  const cmd = to.includes(":") ? "ping6" : "ping";
  return spawnSync("ip", ["netns", "exec", ns, "busybox", cmd, "-c1", "-W1", to], { encoding: "utf8", timeout: 10_000 }).status === 0;
}

let service: SnapshotService;
let ids: Record<string, string>;

async function trace(from: string, to: string, extra: Record<string, string> = {}): Promise<TraceResult> {
  const query = traceQuerySchema.parse({ from: ids[from], to, ...extra });
  const agent = { snapshot: (): Promise<Snapshot> => service.snapshot({ fresh: true }), service };
  const result = await traceSource(agent).trace(query);
  if (result === undefined) throw new Error(`${from} is not in the snapshot`);
  // What the API would send: it must parse as the contract says.
  return traceResultSchema.parse(JSON.parse(JSON.stringify(result)));
}

/** The hops as "<namespace name>:<kind>:<in>><out>", for comparing with the layout. */
function path_(result: TraceResult): string[] {
  const names = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
  return result.hops.map((h) => `${names.get(h.netnsId) ?? h.label}:${h.kind}:${h.in ?? ""}>${h.out ?? ""}`);
}

beforeAll(() => {
  if (process.getuid?.() !== 0) throw new Error("trace.test.ts builds namespaces: run it as root");
  teardown();
  for (const ns of NS) tryRun("ip", ["netns", "del", ns]);
  try {
    build();
  } catch (err) {
    teardown();
    throw err;
  }
  ids = Object.fromEntries(NS.map((ns) => [ns, inode(ns)]));
  service = new SnapshotService(parseConfig({ NSATLAS_SNAPSHOT_TTL_MS: "0", NSATLAS_WATCH_CHANGES: "false" }));
});

afterAll(() => {
  service?.close();
  teardown();
});

describe("a path trace follows the kernel's routing across namespaces", () => {
  it("delivers across the bridge, bridge step and all", async () => {
    const result = await trace(H1, "10.190.1.2");
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("delivered");
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>p2`, `${H2}:route:eth0>`]);
    expect(result.hops[0]?.route).toBe("10.190.1.0/24 dev eth0 table main proto kernel scope link src 10.190.1.1");
    expect(result.hops[2]?.route).toMatch(/^local 10\.190\.1\.2 dev eth0 table (local|main) proto kernel scope host src 10\.190\.1\.2$/);
    expect(result.hops.map((h) => h.label)).toEqual([H1, BR, H2]);
    expect(result.source).toBe("10.190.1.1");
    expect(result.netfilter).toBe("not evaluated");
    expect(pings(H1, "10.190.1.2")).toBe(true);
    // Now the neighbour is known: the bridge step comes from the FDB, not from the snapshot.
    const again = await trace(H1, "10.190.1.2");
    expect(path_(again)).toEqual(path_(result));
    expect(again.hops[0]?.notes.join(" ")).toMatch(/neighbour 10\.190\.1\.2 is ([0-9a-f]{2}:){5}[0-9a-f]{2}/);
    expect(again.hops[1]?.route).toMatch(/^bridge br0: FDB ([0-9a-f]{2}:){5}[0-9a-f]{2} → p2/);
  });

  it("delivers over IPv6 too", async () => {
    const result = await trace(H1, "fd19:0::2");
    expect(result.query.to).toBe("fd19::2");
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("delivered");
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>p2`, `${H2}:route:eth0>`]);
    expect(pings(H1, "fd19::2")).toBe(true);
  });

  it("is routed by a forwarding namespace to the next one", async () => {
    const result = await trace(H1, "10.190.2.2", { proto: "tcp", dport: "443" });
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("delivered");
    expect(result.query).toMatchObject({ proto: "tcp", dport: 443 });
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>pr`, `${R}:route:eth0>eth1`, `${FAR}:route:eth0>`]);
    expect(result.hops[0]?.via).toBe("10.190.1.254");
    expect(result.hops[2]?.via).toBeUndefined();
    expect(result.hops[2]?.route).toBe("10.190.2.0/24 dev eth1 table main proto kernel scope link src 10.190.2.1");
    expect(pings(H1, "10.190.2.2")).toBe(true);
  });

  it("is delivered to the router's own address on the bridge", async () => {
    const result = await trace(H1, "10.190.1.254");
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("delivered");
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>pr`, `${R}:route:eth0>`]);
    expect(pings(H1, "10.190.1.254")).toBe(true);
  });

  it.each([
    ["10.191.1.9", "blackhole", "blackhole (EINVAL)"],
    ["10.191.2.9", "unreachable", "unreachable (EHOSTUNREACH)"],
    ["10.191.3.9", "prohibit", "prohibit (EACCES)"],
    ["10.192.0.1", "no-route", "no route (ENETUNREACH)"],
  ] as const)("ends at the router for %s: %s", async (to, verdict, route) => {
    const result = await trace(H1, to);
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe(verdict);
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>pr`, `${R}:route:eth0>`]);
    expect(result.hops[2]?.route).toBe(route);
    expect(result.detail).toContain(R);
    expect(pings(H1, to)).toBe(false);
  });

  it("stops where a namespace does not forward", async () => {
    const result = await trace(H1, "10.193.0.1");
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("no-forward");
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>p2`, `${H2}:route:eth0>`]);
    expect(result.detail).toContain("net.ipv4.ip_forward = 0");
    expect(pings(H1, "10.193.0.1")).toBe(false);
  });

  it("finds the link taken down at its far end", async () => {
    const result = await trace(H1, "10.190.3.2");
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("link-down");
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>pr`, `${R}:route:eth0>eth2`]);
    expect(result.detail).toBe("eth2 in t19tr-r has no carrier (operstate down): its far end is down");
    expect(pings(H1, "10.190.3.2")).toBe(false);
  });

  it("delivers over the small-MTU link, with the mtu verdict", async () => {
    const result = await trace(H1, "10.190.4.2");
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("mtu");
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>pr`, `${R}:route:eth0>eth3`, `${SM}:route:eth0>`]);
    expect(result.detail).toContain("eth3 in t19tr-r has MTU 1280, the source's is 1500");
    // Small packets get there.
    expect(pings(H1, "10.190.4.2")).toBe(true);
  });

  it("says which next hop never answers", async () => {
    const before = await trace(H1, "10.194.0.1");
    expect(before.verdict, JSON.stringify(before.hops) + before.detail).toBe("no-neighbour");
    expect(pings(H1, "10.194.0.1")).toBe(false);
    const after = await trace(H1, "10.194.0.1");
    expect(after.verdict, JSON.stringify(after.hops) + after.detail).toBe("no-neighbour");
    expect(path_(after)).toEqual([`${H1}:route:>eth0`]);
    expect(after.hops[0]?.via).toBe("10.190.1.99");
    expect(after.detail).toMatch(/10\.190\.1\.99 does not answer on eth0 in t19tr-h1: its neighbour entry is (INCOMPLETE|FAILED)/);
  });

  it("finds two routers that send a prefix to each other", async () => {
    const result = await trace(H1, "10.195.0.1");
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("loop");
    expect(path_(result)).toEqual([
      `${H1}:route:>eth0`,
      `${BR}:bridge:p1>pr`,
      `${R}:route:eth0>eth0`,
      `${BR}:bridge:pr>pr2`,
      `${R2}:route:eth0>eth0`,
      `${BR}:bridge:pr2>pr`,
      `${R}:route:eth0>`,
    ]);
    expect(result.hops[2]?.notes.join(" ")).toContain("ICMP redirect");
    expect(result.detail).toContain(`${R} → ${BR} → ${R2} → ${BR} → ${R}`);
    expect(pings(H1, "10.195.0.1")).toBe(false);
  });

  it("reports the reverse-path filter that drops the packet", async () => {
    const result = await trace(H1, "10.190.5.2");
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("rp-filter");
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>pr`, `${R}:route:eth0>eth4`, `${RP}:route:eth0>`]);
    expect(pings(H1, "10.190.5.2")).toBe(false);
  });

  it("leaves the node through a vxlan, naming the remote VTEP", async () => {
    const result = await trace(H1, "10.196.0.5");
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("leaves-node");
    expect(result.exit).toEqual({ kind: "vxlan", netnsId: ids[R], interface: "vx0", remote: "203.0.113.7", vni: 42 });
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>pr`, `${R}:route:eth0>vx0`]);
  });

  it("takes the flow's protocol and ports to the kernel (policy routing)", async () => {
    // A rule for tcp/8443 only, to a table with a blackhole: other flows are unaffected.
    ip("-n", H1, "route", "add", "blackhole", "10.190.2.0/24", "table", "100");
    ip("-n", H1, "rule", "add", "ipproto", "tcp", "dport", "8443", "table", "100");
    try {
      expect((await trace(H1, "10.190.2.2", { proto: "tcp", dport: "8443" })).verdict).toBe("blackhole");
      expect((await trace(H1, "10.190.2.2", { proto: "tcp", dport: "8444" })).verdict).toBe("delivered");
      expect((await trace(H1, "10.190.2.2", { proto: "udp", dport: "8443" })).verdict).toBe("delivered");
    } finally {
      ip("-n", H1, "rule", "del", "ipproto", "tcp", "dport", "8443", "table", "100");
    }
  });
});

describe("nsatlas trace", () => {
  const BIN = path.resolve(import.meta.dirname, "../../server/bin/nsatlas.mjs");
  const nsatlas = (args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 60_000, env: { ...process.env, NSATLAS_NODE_NAME: "", NSATLAS_TOKEN: "" } });

  it("prints the trace as JSON", () => {
    const r = nsatlas(["trace", ids[H1] ?? "", "10.190.2.2", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const result = traceResultSchema.parse(JSON.parse(r.stdout));
    expect(result.verdict, JSON.stringify(result.hops) + result.detail).toBe("delivered");
    expect(path_(result)).toEqual([`${H1}:route:>eth0`, `${BR}:bridge:p1>pr`, `${R}:route:eth0>eth1`, `${FAR}:route:eth0>`]);
  });

  it("takes an ip netns name and prints text, exiting 1 when the packet does not get there", () => {
    const r = nsatlas(["trace", H1, "10.191.3.1", "--proto", "udp", "--dport", "53"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("prohibit");
    expect(r.stdout).toContain("netfilter: not evaluated");
  });

  it("refuses a malformed address", () => {
    const r = nsatlas(["trace", ids[H1] ?? "", "10.0.0.300"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/IPv4 or IPv6/);
  });
});
