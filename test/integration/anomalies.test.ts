/**
 * Every anomaly flag, provoked on purpose in namespaces this file makes, and none on the clean lab.
 * Traffic stays between the test's own namespaces.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Anomaly } from "../../server/contract/anomaly";
import type { Snapshot } from "../../server/contract/snapshot";
import type { SnapshotService } from "../../server/snapshot/snapshot-service";
import type { LabManifest } from "../lab/manifest";
import { run, tryRun, waitFor } from "../lab/sh";
import { loadLabManifest } from "./helpers/lab-manifest";
import { labSnapshotService } from "./helpers/lab-service";
import { TestWorkloads } from "./helpers/test-workloads";

let manifest: LabManifest;
let service: SnapshotService;
const made = new TestWorkloads("t6a");
const children: ChildProcess[] = [];

beforeAll(() => {
  manifest = loadLabManifest();
  service = labSnapshotService(manifest);
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  made.cleanup();
});
afterAll(() => service.close());

const flagsAbout = (snapshot: Snapshot, kind: Anomaly["kind"], netnsIds: string[]) =>
  snapshot.anomalies.filter((a) => a.kind === kind && a.places.some((p) => netnsIds.includes(p.netnsId)));

/** Two test namespaces joined by a veth pair (eth0 ↔ eth0), with addresses on one /24. */
function pair(suffix: string, mtus: [number, number] = [1500, 1500]) {
  const a = made.netns(`${suffix}a`);
  const b = made.netns(`${suffix}b`);
  run("ip", ["-n", a.name, "link", "add", "eth0", "mtu", String(mtus[0]), "type", "veth", "peer", "name", "eth0", "netns", b.name, "mtu", String(mtus[1])]);
  run("ip", ["-n", a.name, "addr", "add", "10.231.96.1/24", "dev", "eth0"]);
  run("ip", ["-n", b.name, "addr", "add", "10.231.96.2/24", "dev", "eth0"]);
  run("ip", ["-n", a.name, "link", "set", "eth0", "up"]);
  run("ip", ["-n", b.name, "link", "set", "eth0", "up"]);
  return { a, b };
}

describe("anomaly flags", () => {
  it("flags nothing on the clean lab, across two snapshots", async () => {
    const labIds = new Set([manifest.hostInode, ...manifest.netns.map((n) => n.inode)]);
    await service.snapshot({ fresh: true });
    await new Promise((r) => setTimeout(r, 1000));
    const snapshot = await service.snapshot({ fresh: true });
    expect(snapshot.netns.filter((n) => labIds.has(n.id)).length).toBe(labIds.size);
    // The lab's interfaces and namespaces: every one of them is in order.
    const labFlags = snapshot.anomalies.filter((a) =>
      a.places.some(
        (p) =>
          labIds.has(p.netnsId) &&
          (p.netnsId !== manifest.hostInode || p.ifaceName?.startsWith(manifest.prefix) || p.ifaceName?.startsWith("veth") || p.ifaceName === "docker0"),
      ),
    );
    expect(labFlags).toEqual([]);
  });

  it("flags a veth whose peer is in no namespace nsatlas can read", async () => {
    const hidden = made.netns("h");
    const end = made.hostLink(made.name("v"));
    run("ip", ["link", "add", end, "type", "veth", "peer", "name", "eth0", "netns", hidden.name]);
    // Keep the namespace alive only through an open descriptor, then drop its name: with the fd scan off it is invisible.
    const holder = spawn("sh", ["-c", `exec 3</run/netns/${hidden.name}; exec sleep 600`], { stdio: "ignore" });
    children.push(holder);
    await waitFor("the holder to open the namespace", 5000, () => tryRun("sh", ["-c", `ls -l /proc/${holder.pid}/fd/3`]).ok);
    run("ip", ["netns", "del", hidden.name]);
    const blind = labSnapshotService(manifest, { NSATLAS_SCAN_FDS: "false" });
    try {
      const snapshot = await blind.snapshot();
      const flags = flagsAbout(snapshot, "veth-peer-missing", [manifest.hostInode]).filter((a) => a.places[0]?.ifaceName === end);
      expect(flags).toHaveLength(1);
      expect(flags[0]?.message).toContain("other end");
    } finally {
      blind.close();
    }
  });

  it("flags an engine-style namespace held only by its bind mount (a leaked CNI sandbox)", async () => {
    const leaked = made.netns("-cni");
    // `ip netns add cni-...` is what a runtime leaves behind when a sandbox dies without cleanup.
    const cni = `cni-${made.name("l")}`;
    run("ip", ["netns", "add", cni]);
    try {
      const snapshot = await service.snapshot({ fresh: true });
      const id = snapshot.netns.find((n) => n.refs.some((r) => r.path === `/run/netns/${cni}`))?.id ?? "";
      expect(flagsAbout(snapshot, "leaked-netns", [id])).toHaveLength(1);
      // A plain `ip netns add` name is a deliberate pin, not a leak.
      expect(flagsAbout(snapshot, "leaked-netns", [leaked.inode])).toEqual([]);
    } finally {
      tryRun("ip", ["netns", "del", cni]);
    }
  });

  it("flags the same address on two namespaces of one bridge, not on separate segments", async () => {
    const bridge = made.hostLink(made.name("br"));
    run("ip", ["link", "add", bridge, "type", "bridge"]);
    run("ip", ["link", "set", bridge, "up"]);
    const ids: string[] = [];
    for (const side of ["x", "y"]) {
      const ns = made.netns(side);
      const hostEnd = made.hostLink(made.name(`p${side}`));
      run("ip", ["link", "add", hostEnd, "master", bridge, "type", "veth", "peer", "name", "eth0", "netns", ns.name]);
      run("ip", ["link", "set", hostEnd, "up"]);
      run("ip", ["-n", ns.name, "addr", "add", "10.231.95.5/24", "dev", "eth0", "nodad"]);
      ids.push(ns.inode);
    }
    const snapshot = await service.snapshot({ fresh: true });
    const flags = flagsAbout(snapshot, "duplicate-address", ids);
    expect(flags).toHaveLength(1);
    expect(flags[0]?.places.map((p) => p.netnsId).sort()).toEqual([...ids].sort());
    expect(flags[0]?.message).toContain("10.231.95.5");
  });

  it("flags an MTU mismatch across a veth pair, and drops rising when large frames hit it", async () => {
    const { a, b } = pair("m", [1500, 1400]);
    const first = await service.snapshot({ fresh: true });
    expect(flagsAbout(first, "mtu-mismatch", [a.inode, b.inode])).toHaveLength(1);
    // 1428-byte packets leave a's 1500-byte end and cannot enter b's 1400-byte end: the veth drops them.
    tryRun("ip", ["netns", "exec", a.name, "busybox", "ping", "-c", "3", "-W", "1", "-s", "1400", "10.231.96.2"]);
    const second = await service.snapshot({ fresh: true });
    const rising = flagsAbout(second, "counters-rising", [a.inode]);
    expect(rising).toHaveLength(1);
    expect(rising[0]?.message).toMatch(/txDropped \+\d+/);
  });

  it("flags a default route through an interface that went down", async () => {
    const { a, b } = pair("r");
    run("ip", ["-n", a.name, "route", "add", "default", "via", "10.231.96.2"]);
    const before = await service.snapshot({ fresh: true });
    expect(flagsAbout(before, "default-route-down", [a.inode])).toEqual([]);
    run("ip", ["-n", b.name, "link", "set", "eth0", "down"]);
    // The kernel reports the lost carrier through linkwatch, up to a second later.
    let flags: Anomaly[] = [];
    await waitFor("the default route to be flagged", 5000, async () => {
      flags = flagsAbout(await service.snapshot({ fresh: true }), "default-route-down", [a.inode]);
      return flags.length > 0;
    });
    expect(flags).toHaveLength(1);
    expect(flags[0]?.message).toContain("eth0 is down");
  });

  it("flags a promiscuous interface", async () => {
    const { a } = pair("p");
    run("ip", ["-n", a.name, "link", "set", "eth0", "promisc", "on"]);
    const snapshot = await service.snapshot({ fresh: true });
    const flags = flagsAbout(snapshot, "promiscuous", [a.inode]);
    expect(flags).toHaveLength(1);
    expect(flags[0]?.places[0]?.ifaceName).toBe("eth0");
  });
});
