/**
 * Freeze, change the lab (stop a pod, add a container, take an interface down), freeze again: the
 * diff between the two stored snapshots names exactly those changes and their direct consequences
 * (the host-side veths that came and went, the peer that lost its carrier), nothing else.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diff } from "../../server/contract/diff";
import { diffSnapshots } from "../../server/diff/diff-snapshots";
import type { SnapshotService } from "../../server/snapshot/snapshot-service";
import { SnapshotHistory } from "../../server/store/snapshot-history";
import { run, waitFor } from "../lab/sh";
import { loadLabManifest } from "./helpers/lab-manifest";
import { labSnapshotService } from "./helpers/lab-service";
import { TestWorkloads } from "./helpers/test-workloads";

const made = new TestWorkloads("t6d");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-history-"));
let service: SnapshotService;
let history: SnapshotHistory;
let diff: Diff;
let pod: ReturnType<TestWorkloads["pod"]>;
let added: ReturnType<TestWorkloads["container"]>;
let box: ReturnType<TestWorkloads["netns"]>;
let hostEnd: string;
let hostNetnsId: string;

beforeAll(async () => {
  const manifest = loadLabManifest();
  hostNetnsId = manifest.hostInode;
  service = labSnapshotService(manifest);
  history = new SnapshotHistory({ dataDir, recordIntervalMs: 0, historyMaxAgeMs: 3_600_000, historyMaxBytes: 64 * 1024 * 1024 }, service);

  pod = made.pod("web-0");
  box = made.netns("b");
  hostEnd = made.hostLink(made.name("h"));
  run("ip", ["link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", box.name]);
  run("ip", ["link", "set", hostEnd, "up"]);
  run("ip", ["-n", box.name, "addr", "add", "10.231.97.2/24", "dev", "eth0"]);
  run("ip", ["-n", box.name, "link", "set", "eth0", "up"]);
  await waitFor("the test namespace's link to come up", 10_000, () => run("ip", ["-n", box.name, "-br", "link", "show", "eth0"]).includes("UP"));

  const before = await history.freeze();

  run("docker", ["stop", "-t", "0", pod.pause]);
  await waitFor("the stopped pod's namespace to go", 15_000, async () => !(await service.snapshot({ fresh: true })).netns.some((n) => n.id === pod.inode));
  // The kernel often gives the new container the stopped pod's inode: the diff must still tell them apart.
  added = made.container("new");
  run("ip", ["-n", box.name, "link", "set", "eth0", "down"]);
  // The peer's lost carrier reaches its operstate through linkwatch, up to a second later.
  await waitFor("the host end to lose its carrier", 5000, () => /\bDOWN\b/.test(run("ip", ["-br", "link", "show", hostEnd])));

  const after = await history.freeze();
  const from = history.get(before.id);
  const to = history.get(after.id);
  if (from === undefined || to === undefined) throw new Error("a frozen snapshot could not be read back");
  diff = diffSnapshots(from, to);
}, 120_000);

afterAll(() => {
  made.cleanup();
  history?.close();
  service?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const of = (kind: string) => diff.changes.filter((c) => c.kind === kind);

describe("the diff between two frozen snapshots", () => {
  it("says the stopped pod's namespace vanished and the new container's appeared, and no other", () => {
    expect(of("netns-vanished").map((c) => c.netnsId)).toEqual([pod.inode]);
    expect(of("netns-vanished")[0]?.text).toContain(`${pod.namespace}/web-0`);
    expect(of("netns-appeared").map((c) => c.netnsId)).toEqual([added.inode]);
    expect(of("netns-appeared")[0]?.netnsLabel).toBe(added.name);
  });

  it("says the interface went down, and that its host-side peer lost its carrier (operstate down)", () => {
    const states = of("iface-state").map((c) => `${c.netnsId} ${c.ifaceName} ${c.before}→${c.after}`);
    expect(states).toContain(`${box.inode} eth0 up→admin down`);
    expect(states).toContain(`${hostNetnsId} ${hostEnd} up→down`);
    expect(states).toHaveLength(2);
  });

  it("names on the host exactly one veth removed (the pod's) and one added (the new container's)", () => {
    const hostAdded = of("iface-added").filter((c) => c.netnsId === hostNetnsId);
    const hostRemoved = of("iface-removed").filter((c) => c.netnsId === hostNetnsId);
    expect(hostAdded.map((c) => c.before ?? c.after)).toEqual(["veth"]);
    expect(hostRemoved.map((c) => c.before ?? c.after)).toEqual(["veth"]);
  });

  it("has no change outside the namespaces the test touched", () => {
    const touched = new Set([pod.inode, added.inode, box.inode, hostNetnsId]);
    expect(diff.changes.filter((c) => !touched.has(c.netnsId))).toEqual([]);
    // What the host may show: the two veths, the peer's state, and its IPv6 link-local address/route churn.
    const allowedOnHost = new Set(["iface-added", "iface-removed", "iface-state", "address-added", "address-removed", "route-added", "route-removed"]);
    expect(diff.changes.filter((c) => c.netnsId === hostNetnsId && !allowedOnHost.has(c.kind))).toEqual([]);
    // In the box: the state change and what the kernel removes with a downed link (routes, IPv6 link-local).
    const boxKinds = new Set(diff.changes.filter((c) => c.netnsId === box.inode).map((c) => c.kind));
    expect([...boxKinds].every((k) => ["iface-state", "route-removed", "address-removed"].includes(k))).toBe(true);
    expect(diff.changes.filter((c) => c.netnsId === box.inode && c.kind === "route-removed").map((c) => c.before)).toContain("10.231.97.0/24 dev eth0");
  });

  it("compares listeners (both snapshots recorded them) and reports the elapsed time", () => {
    expect(diff.hasListeners).toBe(true);
    expect(of("listener-opened")).toEqual([]);
    expect(diff.elapsedMs).toBeGreaterThan(0);
  });
});
