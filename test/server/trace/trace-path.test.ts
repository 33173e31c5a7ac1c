/**
 * tracePath on made-up nodes, with a fake kernel that answers from tables: the walk (veth, bridge,
 * exits), how each verdict is reached, the snapshot's gaps (a veth pairing left open), and the
 * result's shape. The real kernel's answers are checked in test/integration/trace.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { IpFamily, RouteGetQuery } from "../../../server/collect/netlink-requests";
import { NUD, ROUTE_ERRNO } from "../../../server/collect/route-get-constants";
import { neighbourStateNames, type NeighbourEntry, type RouteGetRoute } from "../../../server/collect/route-get-decode";
import type { RawLink } from "../../../server/collect/rtnl-decode";
import type { Interface, Netns, Owner, Snapshot } from "../../../server/contract/snapshot";
import { traceQuerySchema, traceResultSchema, type TraceResult } from "../../../server/contract/trace";
import type { HopLookup, TraceKernel } from "../../../server/trace/trace-kernel";
import { routeText, TraceReadError, tracePath } from "../../../server/trace/trace-path";

function iface(ifindex: number, name: string, kind: string, extra: Partial<Interface> = {}): Interface {
  return {
    ifindex,
    name,
    kind,
    mtu: 1500,
    operState: "up",
    isUp: true,
    isPromiscuous: false,
    addresses: [],
    mac: `02:00:00:00:00:${ifindex.toString(16).padStart(2, "0")}`,
    ...extra,
  };
}
const v4 = (address: string, prefixLength = 24) => ({ family: "inet" as const, address, prefixLength, scope: "universe" });

function netns(id: string, interfaces: Interface[], extra: Partial<Netns> = {}): Netns {
  return {
    id,
    isHost: false,
    refs: [],
    processCount: 1,
    owners: [{ kind: "ip-netns", name: `ns${id}` }],
    interfaces,
    routes: [],
    isGone: false,
    errors: [],
    ...extra,
  };
}

function snapshotOf(netnsList: Netns[]): Snapshot {
  return {
    id: "snap-1",
    takenAt: "2026-01-01T00:00:00.000Z",
    node: { name: "node-a", hostname: "node-a", kernel: "6.18" },
    netns: netnsList,
    staleFiles: [],
    runtimes: [],
    timings: { discoverMs: 0, fdScanMs: 0, readMs: 0, wireMs: 0, ownersMs: 0, totalMs: 0 },
    anomalies: [],
  };
}

const route = (r: Partial<RouteGetRoute>): RouteGetRoute => ({
  family: "inet",
  type: "unicast",
  table: 254,
  protocol: "unspec",
  scope: "universe",
  destination: "10.0.0.0/24",
  isMultipath: false,
  flags: 0,
  isRedirect: false,
  ...r,
});
const ok = (r: Partial<RouteGetRoute>): HopLookup => ({ route: { ok: true, route: route(r) }, fibMatch: route(r) });
const refused = (errno: number, extra: Partial<HopLookup> = {}): HopLookup => ({ route: { ok: false, errno }, ...extra });

interface FakeKernel {
  /** netnsId → the answer to a lookup there (by the query, to tell hops apart). */
  routes: Record<string, (q: RouteGetQuery) => HopLookup>;
  /** "netnsId/ifindex" → live overrides of the snapshot's interface. */
  links?: Record<string, Partial<RawLink> | "gone">;
  neighbours?: Record<string, Partial<NeighbourEntry>>;
  fdb?: Record<string, NeighbourEntry[]>;
  nsids?: Record<string, Record<string, number>>;
  unreadable?: string[];
}

function fakeKernel(snapshot: Snapshot, fake: FakeKernel, asked: string[] = []): TraceKernel {
  const check = (netnsId: string) => {
    if (fake.unreadable?.includes(netnsId)) throw new TraceReadError("open failed: ENOENT");
  };
  return {
    async lookup(netnsId, q) {
      check(netnsId);
      asked.push(
        `lookup ${netnsId} ${q.destination} iif=${q.iifIndex ?? "-"} src=${q.source ?? "-"} proto=${q.protocol ?? "-"} dport=${q.destinationPort ?? "-"}`,
      );
      const answer = fake.routes[netnsId];
      if (answer === undefined) return refused(ROUTE_ERRNO.ENETUNREACH);
      return answer(q);
    },
    async link(netnsId, ifindex) {
      check(netnsId);
      const override = fake.links?.[`${netnsId}/${ifindex}`];
      if (override === "gone") return undefined;
      const i = snapshot.netns.find((n) => n.id === netnsId)?.interfaces.find((x) => x.ifindex === ifindex);
      if (i === undefined) return undefined;
      return { ifindex, name: i.name, kind: i.kind, mtu: i.mtu, operState: i.operState, isUp: i.isUp, isPromiscuous: false, ...override };
    },
    async neighbour(netnsId, family: IpFamily, ifindex, address) {
      check(netnsId);
      const e = fake.neighbours?.[`${netnsId}/${ifindex}/${address}`];
      if (e === undefined) return undefined;
      const state = e.state ?? NUD.REACHABLE;
      return { family, ifindex, state, stateNames: neighbourStateNames(state), flags: 0, address, ...e };
    },
    async fdb(netnsId) {
      check(netnsId);
      return fake.fdb?.[netnsId] ?? [];
    },
    async nsids(netnsId, candidates) {
      asked.push(`nsids ${netnsId} ${candidates.join(",")}`);
      return new Map(Object.entries(fake.nsids?.[netnsId] ?? {}).filter(([id]) => candidates.includes(id)));
    },
  };
}

async function trace(snapshot: Snapshot, fake: FakeKernel, query: Record<string, string>, options = {}): Promise<TraceResult> {
  const result = await tracePath(traceQuerySchema.parse(query), snapshot, fakeKernel(snapshot, fake), {
    now: () => new Date("2026-01-01T00:00:01Z"),
    ...options,
  });
  return traceResultSchema.parse(result);
}
const hopsOf = (r: TraceResult) => r.hops.map((h) => `${h.label}:${h.kind}:${h.in ?? ""}>${h.out ?? ""}`);

/** a (10.0.0.1) ─veth─ b (10.0.0.2, forwards) ─veth─ c (10.0.1.2); the host has eth0 (a NIC) and vxlan/macvlan/wireguard devices. */
function chain() {
  const a = netns("1", [iface(1, "lo", "loopback"), iface(2, "eth0", "veth", { addresses: [v4("10.0.0.1")], peer: { netnsId: "2", ifindex: 2 } })]);
  const b = netns("2", [
    iface(1, "lo", "loopback"),
    iface(2, "ra", "veth", { addresses: [v4("10.0.0.2")], peer: { netnsId: "1", ifindex: 2 } }),
    iface(3, "rc", "veth", { addresses: [v4("10.0.1.1")], peer: { netnsId: "3", ifindex: 2 } }),
  ]);
  const c = netns("3", [iface(1, "lo", "loopback"), iface(2, "eth0", "veth", { addresses: [v4("10.0.1.2")], peer: { netnsId: "2", ifindex: 3 } })], {
    owners: [
      {
        kind: "kubernetes-pod",
        runtime: "containerd-cri",
        namespace: "shop",
        name: "shop/web-0",
        podName: "web-0",
        uid: "u",
        sandboxId: "s",
        containers: [],
      } satisfies Owner,
    ],
  });
  const host = netns(
    "9",
    [
      iface(1, "lo", "loopback"),
      iface(2, "eth0", "device", { addresses: [v4("192.0.2.10")] }),
      iface(3, "vx0", "vxlan", { vxlan: { id: 42, remote: "198.51.100.1" } }),
      iface(4, "mv0", "macvlan", { parent: { netnsId: "9", ifindex: 2 } }),
      iface(5, "wg0", "wireguard", { mac: undefined }),
      iface(6, "d0", "dummy"),
    ],
    { isHost: true, owners: [] },
  );
  return snapshotOf([host, a, b, c]);
}

const chainRoutes = (): FakeKernel["routes"] => ({
  "1": () => ok({ destination: "default", gateway: "10.0.0.2", outIfindex: 2, preferredSource: "10.0.0.1" }),
  "2": () => ({ ...ok({ destination: "10.0.1.0/24", outIfindex: 3, scope: "link", protocol: "kernel" }), isInForwarding: true }),
  "3": () => ok({ type: "local", destination: "10.0.1.2", outIfindex: 2, table: 255 }),
});

describe("tracePath", () => {
  it("follows veths through a forwarding namespace to the one that owns the address", async () => {
    const snapshot = chain();
    const asked: string[] = [];
    const result = await tracePath(
      traceQuerySchema.parse({ from: "1", to: "10.0.1.2", dport: "443" }),
      snapshot,
      fakeKernel(snapshot, { routes: chainRoutes() }, asked),
    );
    expect(result.verdict).toBe("delivered");
    expect(hopsOf(result)).toEqual(["ns1:route:>eth0", "ns2:route:ra>rc", "shop/web-0:route:eth0>"]);
    expect(result.detail).toBe("delivered in shop/web-0: 10.0.1.2 is its own address");
    expect(result.hops[0]).toMatchObject({ via: "10.0.0.2", route: "default via 10.0.0.2 dev eth0 table main src 10.0.0.1" });
    expect(result.source).toBe("10.0.0.1");
    expect(result.query).toEqual({ from: "1", to: "10.0.1.2", proto: "tcp", dport: 443 });
    // The first lookup is as sent; the next ones as received, from the first one's source, with the flow each time.
    expect(asked).toEqual([
      "lookup 1 10.0.1.2 iif=- src=- proto=6 dport=443",
      "lookup 2 10.0.1.2 iif=2 src=10.0.0.1 proto=6 dport=443",
      "lookup 3 10.0.1.2 iif=2 src=10.0.0.1 proto=6 dport=443",
    ]);
    expect(result.netfilter).toBe("not evaluated");
  });

  it.each([
    [ROUTE_ERRNO.ENETUNREACH, "no-route", "ns2 has no route to 10.0.1.2 (it came in by ra)"],
    [ROUTE_ERRNO.EHOSTUNREACH, "unreachable", "an unreachable route in ns2 covers 10.0.1.2: the sender gets ICMP host unreachable"],
    [ROUTE_ERRNO.EACCES, "prohibit", "a prohibit route in ns2 covers 10.0.1.2: the sender gets ICMP administratively prohibited"],
    [ROUTE_ERRNO.EINVAL, "blackhole", "a blackhole route in ns2 covers 10.0.1.2: the packet is dropped silently"],
    [ROUTE_ERRNO.EXDEV, "rp-filter", "the reverse-path filter (rp_filter) in ns2 drops packets from 10.0.0.1 coming in by ra"],
    [99, "unknown", "the kernel in ns2 refused the lookup with errno 99"],
  ])("maps the kernel's errno %i to %s", async (errno, verdict, detail) => {
    const result = await trace(
      chain(),
      { routes: { ...chainRoutes(), "2": () => refused(errno, { isInForwarding: true, asSent: { ok: false, errno } }) } },
      { from: "1", to: "10.0.1.2" },
    );
    expect(result.verdict).toBe(verdict);
    expect(result.detail).toBe(detail);
    expect(hopsOf(result)).toEqual(["ns1:route:>eth0", "ns2:route:ra>"]);
  });

  it("calls EHOSTUNREACH on an interface that does not forward no-forward, and so a unicast route there (IPv6 answers one)", async () => {
    const off = await trace(
      chain(),
      { routes: { ...chainRoutes(), "2": () => refused(ROUTE_ERRNO.EHOSTUNREACH, { isInForwarding: false }) } },
      { from: "1", to: "10.0.1.2" },
    );
    expect(off.verdict).toBe("no-forward");
    expect(off.hops[1]?.route).toBe("not forwarded (forwarding off on ra)");
    const v6 = await trace(
      chain(),
      { routes: { ...chainRoutes(), "2": () => ({ ...ok({ outIfindex: 3 }), isInForwarding: false }) } },
      { from: "1", to: "10.0.1.2" },
    );
    expect(v6.verdict).toBe("no-forward");
  });

  it("calls EINVAL a martian source when the same destination has a route as sent", async () => {
    const lookup = refused(ROUTE_ERRNO.EINVAL, { isInForwarding: true, asSent: { ok: true, route: route({ outIfindex: 3 }) } });
    const result = await trace(chain(), { routes: { ...chainRoutes(), "2": () => lookup } }, { from: "1", to: "10.0.1.2" });
    expect(result.verdict).toBe("rp-filter");
    expect(result.detail).toBe("ns2 rejects packets from 10.0.0.1 coming in by ra (a martian source)");
  });

  it.each([["blackhole"], ["unreachable"], ["prohibit"]] as const)("takes a %s route the kernel answers with (IPv6) as that verdict", async (type) => {
    const result = await trace(chain(), { routes: { ...chainRoutes(), "2": () => ok({ type, destination: "10.0.1.0/24" }) } }, { from: "1", to: "10.0.1.2" });
    expect(result.verdict).toBe(type);
  });

  it("stops at a next hop whose neighbour entry failed", async () => {
    const result = await trace(chain(), { routes: chainRoutes(), neighbours: { "1/2/10.0.0.2": { state: NUD.FAILED } } }, { from: "1", to: "10.0.1.2" });
    expect(result.verdict).toBe("no-neighbour");
    expect(result.detail).toBe("10.0.0.2 does not answer on eth0 in ns1: its neighbour entry is FAILED");
    expect(hopsOf(result)).toEqual(["ns1:route:>eth0"]);
  });

  it("stops when nothing at the far end of the veth has the next hop", async () => {
    const routes = { ...chainRoutes(), "1": () => ok({ gateway: "10.0.0.99", outIfindex: 2, preferredSource: "10.0.0.1" }) };
    const result = await trace(chain(), { routes }, { from: "1", to: "10.0.1.2" });
    expect(result.verdict).toBe("no-neighbour");
    expect(result.detail).toBe("no neighbour entry for 10.0.0.99 on eth0 in ns1, and ns2, at the far end of the veth, does not have that address");
  });

  it("finds an interface down on the way, or without carrier", async () => {
    const adminDown = await trace(chain(), { routes: chainRoutes(), links: { "3/2": { isUp: false } } }, { from: "1", to: "10.0.1.2" });
    expect(adminDown.verdict).toBe("link-down");
    expect(adminDown.detail).toBe("eth0 in shop/web-0 is administratively down");
    const noCarrier = await trace(chain(), { routes: chainRoutes(), links: { "2/3": { operState: "lowerlayerdown" } } }, { from: "1", to: "10.0.1.2" });
    expect(noCarrier.detail).toBe("rc in ns2 has no carrier (operstate lowerlayerdown): its far end is down");
    expect(hopsOf(noCarrier)).toEqual(["ns1:route:>eth0", "ns2:route:ra>rc"]);
  });

  it("delivers with an mtu verdict past a smaller MTU, and warns of it when the packet is dropped anyway", async () => {
    const small = { links: { "2/3": { mtu: 1400 } } };
    const delivered = await trace(chain(), { routes: chainRoutes(), ...small }, { from: "1", to: "10.0.1.2" });
    expect(delivered.verdict).toBe("mtu");
    expect(delivered.detail).toBe(
      "delivered in shop/web-0: 10.0.1.2 is its own address; but only in packets of at most 1400 bytes: rc in ns2 has MTU 1400, the source's is 1500",
    );
    expect(delivered.hops[1]?.notes).toContain("rc MTU 1400, smaller than the source's 1500");
    const dropped = await trace(chain(), { routes: { ...chainRoutes(), "3": () => refused(ROUTE_ERRNO.EACCES) }, ...small }, { from: "1", to: "10.0.1.2" });
    expect(dropped.verdict).toBe("prohibit");
    expect(dropped.warnings).toEqual(["rc in ns2 has MTU 1400, the source's is 1500"]);
    // A route's own MTU is the source's.
    const routeMtu = await trace(
      chain(),
      { routes: { ...chainRoutes(), "1": () => ok({ gateway: "10.0.0.2", outIfindex: 2, preferredSource: "10.0.0.1", mtu: 1300 }) }, ...small },
      { from: "1", to: "10.0.1.2" },
    );
    expect(routeMtu.verdict).toBe("delivered");
  });

  it("sees a loop when a namespace is entered the same way twice", async () => {
    const routes = {
      ...chainRoutes(),
      "2": (q: RouteGetQuery) => ({
        ...ok(q.iifIndex === 2 ? { outIfindex: 3, gateway: "10.0.1.2" } : { outIfindex: 2, gateway: "10.0.0.1" }),
        isInForwarding: true,
      }),
      "3": () => ({ ...ok({ outIfindex: 2, gateway: "10.0.1.1" }), isInForwarding: true }),
      "1": (q: RouteGetQuery) =>
        q.iifIndex === undefined
          ? ok({ gateway: "10.0.0.2", outIfindex: 2, preferredSource: "10.0.0.1" })
          : { ...ok({ outIfindex: 2, gateway: "10.0.0.2" }), isInForwarding: true },
    };
    const result = await trace(chain(), { routes }, { from: "1", to: "10.9.9.9" });
    expect(result.verdict).toBe("loop");
    expect(hopsOf(result)).toEqual([
      "ns1:route:>eth0",
      "ns2:route:ra>rc",
      "shop/web-0:route:eth0>eth0",
      "ns2:route:rc>ra",
      "ns1:route:eth0>eth0",
      "ns2:route:ra>",
    ]);
    expect(result.hops.at(-1)?.route).toBe("back where hop 2 was");
    expect(result.detail).toBe("the packet comes back to ns2 by ra: ns2 → shop/web-0 → ns2 → ns1 → ns2");
  });

  it("gives up after the hop limit", async () => {
    const result = await trace(chain(), { routes: chainRoutes() }, { from: "1", to: "10.0.1.2" }, { maxHops: 2 });
    expect(result.verdict).toBe("too-many-hops");
    expect(result.hops).toHaveLength(2);
  });

  it("ends unknown, saying why, when a namespace cannot be asked", async () => {
    const result = await trace(chain(), { routes: chainRoutes(), unreadable: ["3"] }, { from: "1", to: "10.0.1.2" });
    expect(result.verdict).toBe("unknown");
    expect(result.detail).toBe("the kernel in shop/web-0 could not be asked: open failed: ENOENT");
  });
});

describe("leaving the node", () => {
  const hostRoute = (r: Partial<RouteGetRoute>): FakeKernel => ({ routes: { "9": () => ok({ preferredSource: "192.0.2.10", ...r }) } });

  it("through the uplink, naming the node behind the next hop when the hook knows it", async () => {
    const result = await trace(
      chain(),
      hostRoute({ destination: "default", gateway: "192.0.2.1", outIfindex: 2 }),
      { from: "9", to: "8.8.8.8" },
      { nodeOf: (a: string) => (a === "192.0.2.1" ? "router-1" : undefined) },
    );
    expect(result.verdict).toBe("leaves-node");
    expect(result.exit).toEqual({ kind: "uplink", netnsId: "9", interface: "eth0", remote: "192.0.2.1", node: "router-1" });
    expect(result.detail).toBe("leaves the node through eth0 in host towards 192.0.2.1");
    expect(result.hops[0]?.label).toBe("host");
  });

  it("through a vxlan, to the VTEP its FDB names for the next hop's MAC, else its default remote", async () => {
    const kernel = hostRoute({ destination: "10.244.1.0/24", outIfindex: 3 });
    const mac = "0a:00:00:00:00:07";
    const viaFdb = await trace(
      chain(),
      {
        ...kernel,
        neighbours: { "9/3/10.244.1.7": { mac, state: NUD.PERMANENT } },
        fdb: { "9": [{ family: "bridge", ifindex: 3, state: NUD.PERMANENT, stateNames: ["PERMANENT"], flags: 2, mac, address: "198.51.100.7" }] },
      },
      { from: "9", to: "10.244.1.7" },
      { nodeOf: (a: string) => (a === "198.51.100.7" ? "node-b" : undefined) },
    );
    expect(viaFdb.exit).toEqual({ kind: "vxlan", netnsId: "9", interface: "vx0", remote: "198.51.100.7", vni: 42, node: "node-b" });
    expect(viaFdb.detail).toBe("leaves the node through vxlan vx0 (VNI 42) in host to VTEP 198.51.100.7 on node node-b");
    const byDefault = await trace(chain(), kernel, { from: "9", to: "10.244.1.7" });
    expect(byDefault.exit?.remote).toBe("198.51.100.1");
  });

  it("through a vxlan with no FDB entry for the MAC: flooded to every VTEP of its all-zero entries, naming none of them", async () => {
    const flood = (address: string): NeighbourEntry => ({
      family: "bridge",
      ifindex: 3,
      state: NUD.PERMANENT,
      stateNames: ["PERMANENT"],
      flags: 2,
      mac: "00:00:00:00:00:00",
      address,
    });
    const kernel = hostRoute({ destination: "10.244.1.0/24", outIfindex: 3 });
    const fake = { ...kernel, neighbours: { "9/3/10.244.1.7": { mac: "0a:00:00:00:00:07" } } };
    const both = await trace(chain(), { ...fake, fdb: { "9": [flood("198.51.100.2"), flood("198.51.100.3")] } }, { from: "9", to: "10.244.1.7" });
    expect(both.verdict).toBe("leaves-node");
    expect(both.exit).toEqual({ kind: "vxlan", netnsId: "9", interface: "vx0", vni: 42, floodedTo: ["198.51.100.2", "198.51.100.3"] });
    expect(both.detail).toBe(
      "leaves the node through vxlan vx0 (VNI 42) in host, flooded to VTEPs 198.51.100.2, 198.51.100.3 (no FDB entry for 0a:00:00:00:00:07)",
    );
    const one = await trace(chain(), { ...fake, fdb: { "9": [flood("198.51.100.2")] } }, { from: "9", to: "10.244.1.7" });
    expect(one.exit).toEqual({ kind: "vxlan", netnsId: "9", interface: "vx0", vni: 42, remote: "198.51.100.2" });
  });

  it("through a macvlan's parent, or a tunnel device", async () => {
    const macvlan = await trace(chain(), hostRoute({ outIfindex: 4 }), { from: "9", to: "10.0.0.9" });
    expect(macvlan.exit).toMatchObject({ kind: "macvlan", interface: "mv0" });
    expect(macvlan.detail).toContain("through macvlan mv0 on parent eth0");
    const wg = await trace(chain(), hostRoute({ outIfindex: 5 }), { from: "9", to: "10.0.0.9" });
    expect(wg.exit).toMatchObject({ kind: "tunnel", interface: "wg0" });
  });

  it("does not guess what an interface of another kind leads to", async () => {
    const result = await trace(chain(), hostRoute({ outIfindex: 6 }), { from: "9", to: "10.0.0.9" });
    expect(result.verdict).toBe("unknown");
    expect(result.detail).toBe("d0 in host is a dummy device: nsatlas does not follow that kind");
  });
});

describe("bridges", () => {
  /** h1, h2 and the router r on br0 in namespace 5; h2's pairing left open in the snapshot (as a namespace with many veths can leave it). */
  function bridged() {
    const br = netns("5", [
      iface(1, "lo", "loopback"),
      iface(2, "br0", "bridge", { mac: "02:00:00:00:05:02" }),
      iface(3, "p1", "veth", { masterIfindex: 2, peer: { netnsId: "11", ifindex: 2 } }),
      iface(4, "p2", "veth", { masterIfindex: 2, isPeerMissing: true }),
      iface(5, "p3", "veth", { masterIfindex: 2 }),
    ]);
    const h1 = netns("11", [iface(2, "eth0", "veth", { mac: "02:00:00:00:11:02", addresses: [v4("10.1.0.1")], peer: { netnsId: "5", ifindex: 3 } })]);
    const h2 = netns("12", [iface(2, "eth0", "veth", { mac: "02:00:00:00:12:02", addresses: [v4("10.1.0.2")], isPeerMissing: true })]);
    const h3 = netns("13", [iface(5, "eth0", "veth", { mac: "02:00:00:00:13:05", addresses: [v4("10.1.0.3")], peer: { netnsId: "5", ifindex: 5 } })]);
    return snapshotOf([br, h1, h2, h3]);
  }
  const routes: FakeKernel["routes"] = {
    "11": () => ok({ destination: "10.1.0.0/24", outIfindex: 2, preferredSource: "10.1.0.1" }),
    "12": () => ok({ type: "local", destination: "10.1.0.2", outIfindex: 2 }),
    "13": () => ok({ type: "local", destination: "10.1.0.3", outIfindex: 5 }),
  };
  const fdbEntry = (ifindex: number, mac: string, state: number = NUD.REACHABLE): NeighbourEntry => ({
    family: "bridge",
    ifindex,
    state,
    stateNames: neighbourStateNames(state),
    flags: 0,
    mac,
    masterIfindex: 2,
  });

  it("forwards by the FDB entry for the next hop's MAC; a veth end the snapshot left open is asked of the kernel", async () => {
    const fake: FakeKernel = {
      routes,
      neighbours: { "11/2/10.1.0.2": { mac: "02:00:00:00:12:02" } },
      fdb: { "5": [fdbEntry(4, "02:00:00:00:12:02"), fdbEntry(3, "02:00:00:00:11:02")] },
      links: { "5/4": { linkIfindex: 2, linkNetnsid: 7 } },
      nsids: { "5": { "12": 7, "11": 3 } },
    };
    const asked: string[] = [];
    const snapshot = bridged();
    const result = await tracePath(traceQuerySchema.parse({ from: "11", to: "10.1.0.2" }), snapshot, fakeKernel(snapshot, fake, asked));
    expect(result.verdict).toBe("delivered");
    expect(hopsOf(result)).toEqual(["ns11:route:>eth0", "ns5:bridge:p1>p2", "ns12:route:eth0>"]);
    expect(result.hops[1]?.route).toBe("bridge br0: FDB 02:00:00:00:12:02 → p2 (learned)");
    // Only namespaces with a veth at the far end's ifindex are candidates.
    expect(asked.filter((a) => a.startsWith("nsids"))).toEqual(["nsids 5 11,12"]);
  });

  it("without a neighbour entry, takes the port whose far end has the address (from the snapshot), from either end of the pairing", async () => {
    const result = await trace(bridged(), { routes }, { from: "11", to: "10.1.0.3" });
    expect(result.verdict).toBe("delivered");
    expect(hopsOf(result)).toEqual(["ns11:route:>eth0", "ns5:bridge:p1>p3", "ns13:route:eth0>"]);
    expect(result.hops[1]?.notes).toEqual(["10.1.0.3 is not in the FDB yet; port p3 leads to it (from the snapshot)"]);
  });

  it("sends a frame for the bridge's own MAC up to the bridge's namespace", async () => {
    const snapshot = bridged();
    const brNetns = snapshot.netns[0];
    if (brNetns?.interfaces[1]) brNetns.interfaces[1].addresses = [v4("10.1.0.254")];
    const fake: FakeKernel = {
      routes: { ...routes, "5": () => ok({ type: "local", destination: "10.1.0.254", outIfindex: 2 }) },
      neighbours: { "11/2/10.1.0.254": { mac: "02:00:00:00:05:02" } },
      fdb: { "5": [fdbEntry(2, "02:00:00:00:05:02", NUD.PERMANENT)] },
    };
    const result = await trace(snapshot, fake, { from: "11", to: "10.1.0.254" });
    expect(result.verdict).toBe("delivered");
    expect(hopsOf(result)).toEqual(["ns11:route:>eth0", "ns5:bridge:p1>", "ns5:route:br0>"]);
    expect(result.hops[1]?.route).toBe("bridge br0: FDB has 02:00:00:00:05:02 as its own");
  });

  it("says so when nothing behind the bridge has the next hop, or the FDB sends the frame back where it came from", async () => {
    const nobody = await trace(bridged(), { routes }, { from: "11", to: "10.1.0.77" });
    expect(nobody.verdict).toBe("no-neighbour");
    expect(nobody.detail).toBe("no neighbour entry for 10.1.0.77, and nothing behind bridge br0 in ns5 has that address");
    const back = await trace(
      bridged(),
      { routes, neighbours: { "11/2/10.1.0.3": { mac: "02:00:00:00:13:05" } }, fdb: { "5": [fdbEntry(3, "02:00:00:00:13:05")] } },
      { from: "11", to: "10.1.0.3" },
    );
    expect(back.verdict).toBe("unknown");
    expect(back.detail).toContain("the port the frame came in by");
  });

  it("finds a bridge port that is down", async () => {
    const result = await trace(bridged(), { routes, links: { "5/3": { isUp: false } } }, { from: "11", to: "10.1.0.3" });
    expect(result.verdict).toBe("link-down");
    expect(result.detail).toBe("p1 in ns5 is administratively down");
  });
});

describe("routeText", () => {
  it("writes the kernel's answer as ip route does", () => {
    const netnsWith = { interfaces: [iface(3, "eth1", "veth")] };
    expect(routeText(route({ destination: "10.2.0.0/16", gateway: "10.0.0.1", outIfindex: 3, protocol: "static", priority: 100 }), netnsWith)).toBe(
      "10.2.0.0/16 via 10.0.0.1 dev eth1 table main proto static metric 100",
    );
    expect(routeText(route({ type: "local", destination: "10.0.0.5", outIfindex: 9, table: 255, scope: "host" }), netnsWith)).toBe(
      "local 10.0.0.5 dev if9 table local scope host",
    );
    expect(routeText(route({ destination: "default", table: 100, mtu: 1400 }), undefined)).toBe("default table 100 mtu 1400");
  });
});
