/**
 * The change watch on the real kernel: a quiet node is read as counters only, and every kind of
 * change (link, address, route, a veth end moved elsewhere, a namespace replaced, lost events) is
 * seen at the next scan exactly as a full reading sees it. Everything this file makes carries the
 * lab prefix plus "w" and is removed in afterAll, even when a test fails.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetnsReader } from "../../server/collect/netns-reader";
import { ReadingDecoder } from "../../server/collect/decode-reading";
import type { Interface, Netns, Snapshot } from "../../server/contract/snapshot";
import { FdScanner } from "../../server/discover/fd-scan";
import { takeSnapshot } from "../../server/snapshot/take-snapshot";
import { labConfig } from "../lab/lab-config";
import { labEnv } from "../lab/lab-env";
import type { LabManifest } from "../lab/manifest";
import { run, tryRun, waitFor } from "../lab/sh";
import { loadLabManifest } from "./helpers/lab-manifest";
import { labSnapshotService } from "./helpers/lab-service";

const p = `${labConfig().prefix}-w`;
const bridge = `${p}br`;
/** Namespaces with a veth into the test bridge on the host (so the host has an id for each). */
const wired = ["1", "2", "5", "6", "7"].map((n) => `${p}${n}`);
/** A namespace reached only through another one: the host has no id for it, so it is always read in full. */
const inner = `${p}3`;
const [w1 = "", w2 = "", w5 = "", w6 = "", w7 = ""] = wired;
const made: string[] = [];

let manifest: LabManifest;
// The scans under test: a reader with the change watch and a decoder's memory, as the snapshot
// service has them, but a long age bound so that no full reading comes due while a test runs.
const reader = new NetnsReader(undefined, { fullReadMaxAgeMs: 600_000 });
const decoder = new ReadingDecoder();
let previous: Snapshot | undefined;

const ip = (...args: string[]) => run("ip", args);
const inode = (name: string) => run("stat", ["-L", "-c", "%i", `/run/netns/${name}`]).trim();

function addNetns(name: string): void {
  ip("netns", "add", name);
  made.push(name);
  ip("-n", name, "link", "set", "lo", "up");
}

/** A veth from `name` (eth0) into the test bridge, addressed 10.250.0.N/24. */
function wireToHost(name: string, n: number): void {
  ip("link", "add", `${p}h${n}`, "type", "veth", "peer", "name", "eth0", "netns", name);
  ip("link", "set", `${p}h${n}`, "addrgenmode", "none");
  ip("-n", name, "link", "set", "eth0", "addrgenmode", "none");
  ip("link", "set", `${p}h${n}`, "master", bridge, "up");
  ip("-n", name, "addr", "add", `10.250.0.${n}/24`, "dev", "eth0");
  ip("-n", name, "link", "set", "eth0", "up");
}

/** A veth pair between two namespaces, `a` in the first and `b` in the second, addressed 10.251.0.1–2/30. */
function pair(first: string, a: string, second: string, b: string): void {
  ip("-n", first, "link", "add", a, "type", "veth", "peer", "name", b, "netns", second);
  ip("-n", first, "link", "set", a, "addrgenmode", "none");
  ip("-n", second, "link", "set", b, "addrgenmode", "none");
  ip("-n", first, "addr", "add", "10.251.0.1/30", "dev", a);
  ip("-n", second, "addr", "add", "10.251.0.2/30", "dev", b);
  ip("-n", first, "link", "set", a, "up");
  ip("-n", second, "link", "set", b, "up");
}

async function scan(): Promise<{ snapshot: Snapshot; full: number; countersOnly: number; inFull: (name: string) => boolean }> {
  const { snapshot, reads } = await takeSnapshot(reader, { fdScanner: new FdScanner(0), decoder, previous });
  previous = snapshot;
  return { snapshot, full: reads.full, countersOnly: reads.countersOnly, inFull: (name) => reads.readInFull.includes(inode(name)) };
}

function netnsOf(s: Snapshot, name: string): Netns {
  const id = inode(name);
  const n = s.netns.find((x) => x.id === id);
  if (n === undefined) throw new Error(`${name} (${id}) is not in the snapshot`);
  return n;
}

function iface(n: Netns, name: string): Interface {
  const i = n.interfaces.find((x) => x.name === name);
  if (i === undefined) throw new Error(`netns ${n.id} has no ${name}`);
  return i;
}

/** What a reading shows of a namespace, without counters and without the refs that move with processes. */
const shape = (n: Netns) => ({ interfaces: n.interfaces.map(({ stats: _stats, ...i }) => i), routes: n.routes, errors: n.errors });

/** A full reading of the node now, by a reader with no memory and no watch. */
async function fullReading(): Promise<Snapshot> {
  const reader = new NetnsReader(undefined, { watchChanges: false });
  try {
    return (await takeSnapshot(reader, { fdScanner: new FdScanner(0) })).snapshot;
  } finally {
    reader.close();
  }
}

/**
 * What the kernel has not yet caught up with of the test's last command: a veth's operational state follows
 * its and its peer's admin state by up to a second (linkwatch), and IPv6 routes follow that. Until
 * then a change is still on its way, for the scans and for full readings alike.
 */
function unsettled(s: Snapshot): string[] {
  const ours = new Set([...wired, inner].map(inode));
  const byRef = new Map(s.netns.flatMap((n) => n.interfaces.map((i) => [`${n.id}:${i.ifindex}`, i] as const)));
  return s.netns.flatMap((n) =>
    n.interfaces.flatMap((i) => {
      if (i.kind !== "veth" || !(ours.has(n.id) || i.name.startsWith(p))) return [];
      const peer = i.peer === undefined ? undefined : byRef.get(`${i.peer.netnsId}:${i.peer.ifindex}`);
      // A veth with its peer down has no carrier: operationally down too.
      const expected = !i.isUp || peer?.isUp === false ? "down" : "up";
      return i.operState === expected ? [] : [`${n.id} ${i.name} ${i.operState}, not ${expected}`];
    }),
  );
}

/**
 * A scan of a settled node between two full readings that agree on the test's namespaces: what it
 * shows of them must be what both show.
 */
async function scanOfSteadyNode(): Promise<{ scanned: Awaited<ReturnType<typeof scan>>; full: Snapshot }> {
  let left: string[] = [];
  await waitFor("the kernel to settle the test's links", 20_000, async () => (left = unsettled(await fullReading())).length === 0).catch((err: Error) => {
    throw new Error(`${err.message}: ${left.join("; ")}`);
  });
  const ours = (s: Snapshot) => [...wired, inner].map((name) => shape(netnsOf(s, name)));
  for (let attempt = 0; attempt < 50; attempt++) {
    const before = await fullReading();
    const scanned = await scan();
    const after = await fullReading();
    if (JSON.stringify(ours(before)) === JSON.stringify(ours(after))) return { scanned, full: after };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the test's namespaces never held still between two full readings");
}

beforeAll(async () => {
  manifest = loadLabManifest();
  await scan(); // the watch listens from here on, before anything below is made
  ip("link", "add", bridge, "type", "bridge");
  made.push(`link:${bridge}`);
  ip("link", "set", bridge, "addrgenmode", "none");
  ip("link", "set", bridge, "up");
  for (const [i, name] of wired.entries()) {
    addNetns(name);
    wireToHost(name, i + 1);
  }
  addNetns(inner);
  ip("-n", w1, "link", "add", "to3", "type", "veth", "peer", "name", "to1", "netns", inner);
  pair(w5, "p5", w6, "p6");
  await scanOfSteadyNode();
}, 60_000);

afterAll(() => {
  reader.close();
  for (const name of made) {
    if (name.startsWith("link:")) tryRun("ip", ["link", "del", name.slice(5)]);
    else tryRun("ip", ["netns", "del", name]);
  }
});

describe("a quiet node", () => {
  it("is read as counters only wherever the host hears the namespace, and shows what a full reading shows", async () => {
    const { scanned: quiet, full } = await scanOfSteadyNode();
    expect(quiet.full + quiet.countersOnly).toBe(quiet.snapshot.netns.length);
    for (const name of [w2, w5, w6, w7]) expect(quiet.inFull(name), name).toBe(false);
    // The host has no id for the inner namespace: it cannot be heard, and neither can w1, whose veth leads into it.
    expect(quiet.inFull(inner)).toBe(true);
    expect(quiet.inFull(w1)).toBe(true);
    expect(quiet.countersOnly).toBeGreaterThan(quiet.full);
    for (const name of [...wired, inner]) expect(shape(netnsOf(quiet.snapshot, name)), name).toEqual(shape(netnsOf(full, name)));
  });

  it("has its counters read afresh: traffic between two namespaces shows without a full reading", async () => {
    const before = await scan();
    const txBefore = iface(netnsOf(before.snapshot, w5), "p5").stats?.txPackets ?? 0;
    run("ip", ["netns", "exec", w5, "busybox", "ping", "-c", "5", "-i", "0.2", "-W", "1", "10.251.0.2"]);
    const after = await scan();
    expect(after.inFull(w5) || after.inFull(w6)).toBe(false);
    expect(iface(netnsOf(after.snapshot, w5), "p5").stats?.txPackets).toBeGreaterThanOrEqual(txBefore + 5);
    expect(iface(netnsOf(after.snapshot, w6), "p6").stats?.rxPackets).toBeGreaterThanOrEqual(5);
  });
});

describe("each kind of change is seen at the next scan", () => {
  it("an MTU, an address, a route, a link going down", async () => {
    const quiet = await scan();
    expect(quiet.inFull(w2) || quiet.inFull(w7)).toBe(false);
    ip("-n", w2, "link", "set", "eth0", "mtu", "1400");
    ip("-n", w2, "addr", "add", "10.252.0.1/32", "dev", "lo");
    ip("-n", w2, "route", "add", "10.253.0.0/16", "via", "10.250.0.254");
    ip("-n", w7, "link", "set", "eth0", "down");
    const changed = await scan();
    expect(changed.inFull(w2)).toBe(true);
    expect(changed.inFull(w7)).toBe(true);
    const n2 = netnsOf(changed.snapshot, w2);
    expect(iface(n2, "eth0").mtu).toBe(1400);
    expect(iface(n2, "lo").addresses.map((a) => `${a.address}/${a.prefixLength}`)).toContain("10.252.0.1/32");
    expect(n2.routes.map((r) => `${r.destination} ${r.gateway ?? ""}`)).toContain("10.253.0.0/16 10.250.0.254");
    expect(iface(netnsOf(changed.snapshot, w7), "eth0").isUp).toBe(false);
    // Once the node holds still, the scans show all of it as a full reading does, here and on the
    // host (whose veth end lost its carrier, an event that follows by up to a second).
    const { scanned, full } = await scanOfSteadyNode();
    for (const name of [w2, w7]) expect(shape(netnsOf(scanned.snapshot, name))).toEqual(shape(netnsOf(full, name)));
    const hostLinks = (s: Snapshot) =>
      s.netns
        .find((n) => n.isHost)
        ?.interfaces.filter((i) => i.name.startsWith(p))
        .map((i) => `${i.name} ${i.operState}`);
    expect(hostLinks(scanned.snapshot)).toEqual(hostLinks(full));
    expect(hostLinks(scanned.snapshot)).toContain(`${p}h5 down`);
    // Then quiet again.
    ip("-n", w7, "link", "set", "eth0", "up");
    expect((await scanOfSteadyNode()).scanned.inFull(w2)).toBe(false);
  });

  it("a veth end moved to a third namespace: the end that stayed, with no event of its own, points at the new place", async () => {
    const before = await scan();
    expect(before.inFull(w5)).toBe(false);
    expect(iface(netnsOf(before.snapshot, w5), "p5").peer?.netnsId).toBe(inode(w6));
    ip("-n", w6, "link", "set", "p6", "netns", w7);
    ip("-n", w7, "link", "set", "p6", "up");
    const after = await scan();
    expect(after.inFull(w5)).toBe(true);
    const p6 = iface(netnsOf(after.snapshot, w7), "p6");
    expect(iface(netnsOf(after.snapshot, w5), "p5").peer).toEqual({ netnsId: inode(w7), ifindex: p6.ifindex });
    expect(p6.peer?.netnsId).toBe(inode(w5));
    expect(netnsOf(after.snapshot, w6).interfaces.map((i) => i.name)).not.toContain("p6");
  });

  it("a namespace deleted and another made under its name (the kernel may reuse its inode) is read as the new one", async () => {
    await scan();
    const gone = inode(w7);
    ip("netns", "del", w7);
    // The host's end of its veth goes with the namespace, a moment later.
    await waitFor(`${p}h5 to go`, 10_000, () => !tryRun("ip", ["link", "show", `${p}h5`]).ok);
    addNetns(w7);
    wireToHost(w7, wired.indexOf(w7) + 1);
    const after = await scan();
    const now = netnsOf(after.snapshot, w7);
    expect(now.interfaces.map((i) => i.name).sort()).toEqual(["eth0", "lo"]);
    if (now.id !== gone) expect(after.snapshot.netns.map((n) => n.id)).not.toContain(gone);
    // Its old veth (p6) went with it, and so did the other end in w5.
    expect(netnsOf(after.snapshot, w5).interfaces.map((i) => i.name)).not.toContain("p5");
  });

  it("events lost to a full queue make the next scan read every namespace in full, then quiet again", async () => {
    await scan();
    // ~2 KiB of queue per event: 12,000 MTU changes overflow the watch's 4 MiB (doubled by the kernel).
    const lines = Array.from({ length: 12_000 }, (_, i) => `link set eth0 mtu ${i % 2 === 0 ? 1300 : 1400}`);
    run("ip", ["-n", w2, "-batch", "-"], { input: `${lines.join("\n")}\n`, timeoutMs: 120_000 });
    const flooded = await scan();
    expect(flooded.countersOnly).toBe(0);
    expect(iface(netnsOf(flooded.snapshot, w2), "eth0").mtu).toBe(1400);
    const calm = await scan();
    expect(calm.countersOnly).toBeGreaterThan(0);
  }, 120_000);
});

describe("when namespaces cannot be vouched for", () => {
  it("with the watch turned off, every scan reads every namespace in full and says why", async () => {
    const off = labSnapshotService(manifest, { NSATLAS_WATCH_CHANGES: "false" });
    try {
      await off.snapshot({ fresh: true });
      const second = await off.snapshot({ fresh: true });
      expect(off.lastReads).toMatchObject({
        full: second.netns.length,
        countersOnly: 0,
        watch: { isOn: false, reason: "turned off (NSATLAS_WATCH_CHANGES=false)" },
      });
    } finally {
      off.close();
    }
  });

  it("a namespace's full reading is never older than the reader's bound, however quiet it is", async () => {
    const reader = new NetnsReader(undefined, { fullReadMaxAgeMs: 0 });
    const decoder = new ReadingDecoder();
    try {
      const first = await takeSnapshot(reader, { fdScanner: new FdScanner(0), decoder });
      const second = await takeSnapshot(reader, { fdScanner: new FdScanner(0), decoder, previous: first.snapshot });
      expect(second.reads.watch.isOn).toBe(true);
      expect(second.reads.countersOnly).toBe(0);
    } finally {
      reader.close();
    }
  });

  it("without CAP_NET_BROADCAST, scans read in full, are still right, and say which capability is missing", () => {
    const script = path.resolve("test/integration/helpers/two-scans.ts");
    const scans = (caps: string[]) => {
      const r = spawnSync(
        "setpriv",
        [
          "--inh-caps=-all",
          "--ambient-caps=-all",
          `--bounding-set=-all${caps.map((c) => `,+${c}`).join("")}`,
          "--",
          process.execPath,
          "--import",
          "tsx",
          script,
        ],
        { encoding: "utf8", env: { ...process.env, ...labEnv(manifest) }, maxBuffer: 64 * 1024 * 1024 },
      );
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { full: number; countersOnly: number; watch: { isOn: boolean; reason?: string }; shape: string[] };
    };
    const without = scans(["sys_admin", "sys_ptrace"]);
    expect(without.watch).toEqual({ isOn: false, reason: "listening to every namespace needs CAP_NET_BROADCAST" });
    expect(without.countersOnly).toBe(0);
    const withIt = scans(["sys_admin", "sys_ptrace", "net_broadcast"]);
    expect(withIt.watch).toEqual({ isOn: true });
    expect(withIt.countersOnly).toBeGreaterThan(0);
    expect(without.shape).toEqual(withIt.shape);
  });
});
