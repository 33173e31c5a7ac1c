/**
 * The discovery engine against the real lab: every namespace with its refs, every interface with
 * its kind and addresses, every veth paired with the right peer, bridges, macvlan, vxlan, tun/tap.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ReadingDecoder } from "../../server/collect/decode-reading";
import { NetnsReader } from "../../server/collect/netns-reader";
import type { Interface, Netns, Snapshot } from "../../server/contract/snapshot";
import { snapshotSchema } from "../../server/contract/snapshot";
import { parseNsfsMounts } from "../../server/discover/mountinfo";
import { FdScanner } from "../../server/discover/fd-scan";
import { takeSnapshot } from "../../server/snapshot/take-snapshot";
import type { LabManifest } from "../lab/manifest";
import { run } from "../lab/sh";
import { inodeOfKey, loadLabManifest } from "./helpers/lab-manifest";

let manifest: LabManifest;
let snapshot: Snapshot;
const reader = new NetnsReader();

beforeAll(async () => {
  manifest = loadLabManifest();
  snapshot = (await takeSnapshot(reader, { fdScanner: new FdScanner(0), validate: true })).snapshot;
});
afterAll(() => reader.close());

function netnsById(id: string): Netns {
  const n = snapshot.netns.find((x) => x.id === id);
  if (n === undefined) throw new Error(`snapshot has no netns ${id}`);
  return n;
}

function iface(n: Netns, name: string): Interface {
  const i = n.interfaces.find((x) => x.name === name);
  if (i === undefined) throw new Error(`netns ${n.id} has no ${name} (has ${n.interfaces.map((x) => x.name).join(", ")})`);
  return i;
}

function ifaceAt(ref: { netnsId: string; ifindex: number }): Interface {
  const i = netnsById(ref.netnsId).interfaces.find((x) => x.ifindex === ref.ifindex);
  if (i === undefined) throw new Error(`no interface ${ref.ifindex} in ${ref.netnsId}`);
  return i;
}

describe("snapshot of the lab", () => {
  it("is valid against the contract and marks the agent's own namespace as the host", () => {
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
    const hosts = snapshot.netns.filter((n) => n.isHost);
    expect(hosts.map((h) => h.id)).toEqual([manifest.hostInode]);
    expect(snapshot.netns[0]?.isHost).toBe(true);
  });

  it("finds every lab namespace once, deduplicated by inode", () => {
    const ids = snapshot.netns.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(manifest.netns.length).toBeGreaterThan(0);
    for (const ns of manifest.netns) expect(ids, ns.key).toContain(ns.inode);
  });

  it("records the refs that keep each namespace alive", () => {
    expect(manifest.netns.flatMap((ns) => ns.paths).length).toBeGreaterThan(0);
    expect(manifest.netns.flatMap((ns) => ns.pids).length).toBeGreaterThan(0);
    for (const ns of manifest.netns) {
      const n = netnsById(ns.inode);
      const mountPaths = n.refs.filter((r) => r.kind === "bind-mount").map((r) => r.path);
      for (const p of ns.paths) expect(mountPaths, `${ns.key} held by ${p}`).toContain(fs.realpathSync(p));
      const pids = n.refs.filter((r) => r.kind === "process").map((r) => r.pid);
      for (const pid of ns.pids) expect(pids, `${ns.key} held by pid ${pid}`).toContain(pid);
      expect(n.processCount, ns.key).toBe(ns.pids.length);
      expect(n.isGone).toBe(false);
      expect(n.errors, ns.key).toEqual([]);
    }
  });

  it("finds the process-only namespace through its process alone, and the odd-path one through its mount alone", () => {
    const processOnly = netnsById(inodeOfKey(manifest, "process-only"));
    expect(processOnly.refs.map((r) => r.kind)).toEqual(["process"]);
    const odd = netnsById(inodeOfKey(manifest, "odd-mount"));
    expect(odd.refs).toEqual([{ kind: "bind-mount", path: fs.realpathSync(manifest.netns.find((n) => n.key === "odd-mount")?.paths[0] ?? "") }]);
    expect(odd.processCount).toBe(0);
  });

  it("reads every lab interface with its kind and addresses", () => {
    expect(manifest.netns.flatMap((ns) => ns.interfaces).length).toBeGreaterThan(0);
    for (const ns of manifest.netns) {
      const n = netnsById(ns.inode);
      expect(iface(n, "lo").kind).toBe("loopback");
      for (const want of ns.interfaces) {
        const got = iface(n, want.name);
        expect(got.kind, `${ns.key} ${want.name}`).toBe(want.kind);
        expect(
          got.addresses.map((a) => `${a.address}/${a.prefixLength}`),
          `${ns.key} ${want.name}`,
        ).toEqual(expect.arrayContaining(want.addresses));
        expect(got.mtu).toBeGreaterThan(0);
      }
    }
  });

  it("pairs every veth with the peer the lab made, host↔netns and netns↔netns, both ways", () => {
    const veths = manifest.netns.flatMap((ns) => ns.interfaces.filter((i) => i.kind === "veth").map((want) => ({ ns, want })));
    expect(veths.length).toBeGreaterThanOrEqual(16);
    for (const { ns, want } of veths) {
      const n = netnsById(ns.inode);
      const got = iface(n, want.name);
      expect(got.isPeerMissing, `${ns.key} ${want.name}`).toBeUndefined();
      const peerRef = got.peer;
      if (peerRef === undefined) throw new Error(`${ns.key} ${want.name} has no peer`);
      expect(peerRef.netnsId, `${ns.key} ${want.name} peer namespace`).toBe(inodeOfKey(manifest, want.peer?.netns ?? "?"));
      const peer = ifaceAt(peerRef);
      if (want.peer?.name !== undefined) expect(peer.name).toBe(want.peer.name);
      if (want.peer?.master !== undefined) {
        const master = netnsById(peerRef.netnsId).interfaces.find((i) => i.ifindex === peer.masterIfindex);
        expect(master?.name, `${ns.key} ${want.name} peer's bridge`).toBe(want.peer.master);
      }
      expect(peer.peer).toEqual({ netnsId: n.id, ifindex: got.ifindex });
    }
  });

  it("lists bridges with their ports", () => {
    const host = netnsById(manifest.hostInode);
    const bridges = manifest.hostInterfaces.filter((i) => i.kind === "bridge");
    expect(bridges.length).toBeGreaterThan(0);
    for (const want of bridges) expect(iface(host, want.name).kind).toBe("bridge");
    const br0 = iface(host, `${manifest.prefix}-br0`);
    const ports = host.interfaces
      .filter((i) => i.masterIfindex === br0.ifindex)
      .map((i) => i.name)
      .sort();
    expect(ports).toEqual([`${manifest.prefix}-a0`, `${manifest.prefix}-b0`]);
  });

  it("links a macvlan to its parent in the host and a vxlan to its underlay, with its id", () => {
    const parented = manifest.netns.flatMap((ns) => ns.interfaces.filter((i) => i.parent !== undefined).map((want) => ({ ns, want })));
    expect(parented.map(({ want }) => want.kind)).toEqual(expect.arrayContaining(["macvlan", "vxlan"]));
    for (const { ns, want } of parented) {
      const n = netnsById(ns.inode);
      const got = iface(n, want.name);
      const parentRef = got.parent;
      if (parentRef === undefined) throw new Error(`${ns.key} ${want.name} has no parent`);
      expect(parentRef.netnsId).toBe(want.parentNetns === "host" ? manifest.hostInode : n.id);
      expect(ifaceAt(parentRef).name).toBe(want.parent);
      if (want.vxlanId !== undefined) expect(got.vxlan?.id).toBe(want.vxlanId);
    }
  });

  it("reads 64-bit counters and routes", () => {
    const a = netnsById(inodeOfKey(manifest, `ip-netns:${manifest.prefix}-a`));
    expect(iface(a, "eth0").stats).toMatchObject({ rxBytes: expect.any(Number), txDropped: expect.any(Number) });
    expect(a.routes.some((r) => r.destination === "10.231.10.0/24" && r.outIfindex === iface(a, "eth0").ifindex && r.table === 254)).toBe(true);
    expect(a.routes.some((r) => r.family === "inet6" && r.table === 255)).toBe(true);
  });
});

const lsnsSchema = z.object({ namespaces: z.array(z.object({ ns: z.union([z.number(), z.string()]) }).loose()) });

describe("completeness", () => {
  it("misses nothing that lsns -t net lists", () => {
    const listed = lsnsSchema.parse(JSON.parse(run("lsns", ["-t", "net", "-J"]))).namespaces.map((n) => String(n.ns));
    const ids = new Set(snapshot.netns.map((n) => n.id));
    expect(listed.length).toBeGreaterThan(1);
    for (const id of listed) expect(ids.has(id), `lsns lists ${id}`).toBe(true);
  });

  it("misses no nsfs bind mount of any mount namespace", () => {
    const ids = new Set(snapshot.netns.map((n) => n.id));
    const mntNamespaces = new Map<string, number>();
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const mnt = fs.readlinkSync(`/proc/${pid}/ns/mnt`);
        if (!mntNamespaces.has(mnt)) mntNamespaces.set(mnt, Number(pid));
      } catch {
        // exited
      }
    }
    expect(mntNamespaces.size).toBeGreaterThan(0);
    let mounts = 0;
    for (const pid of mntNamespaces.values()) {
      let text = "";
      try {
        text = fs.readFileSync(`/proc/${pid}/mountinfo`, "utf8");
      } catch {
        continue;
      }
      for (const m of parseNsfsMounts(text)) {
        mounts++;
        expect(ids.has(m.inode), `nsfs mount ${m.mountPoint} (${m.inode})`).toBe(true);
      }
    }
    expect(mounts).toBeGreaterThanOrEqual(manifest.netns.filter((n) => n.paths.length > 0).length);
  });
});

describe("a second pass with the decoder's memory", () => {
  it("reuses the decoded addresses and routes of unchanged lab namespaces (their answers are byte-equal) and gives what decoding everything gives", async () => {
    const decoder = new ReadingDecoder();
    const first = (await takeSnapshot(reader, { fdScanner: new FdScanner(0), decoder })).snapshot;
    const second = (await takeSnapshot(reader, { fdScanner: new FdScanner(0), decoder })).snapshot;
    expect(snapshotSchema.safeParse(second).success).toBe(true);
    const plain = (await takeSnapshot(reader, { fdScanner: new FdScanner(0) })).snapshot;
    const lab = manifest.netns.map((n) => inodeOfKey(manifest, n.key));
    const inSnapshot = (s: Snapshot, id: string) => s.netns.find((n) => n.id === id);
    expect(lab.length).toBeGreaterThan(0);
    for (const id of lab) {
      expect(inSnapshot(second, id)?.routes, `routes of ${id}`).toEqual(inSnapshot(plain, id)?.routes);
      expect(
        inSnapshot(second, id)?.interfaces.map((i) => i.addresses),
        `addresses of ${id}`,
      ).toEqual(inSnapshot(plain, id)?.interfaces.map((i) => i.addresses));
    }
    // Same objects, not just equal ones: the worker's answers carried no per-request bytes.
    const reused = lab.filter((id) => inSnapshot(second, id)?.routes === inSnapshot(first, id)?.routes);
    expect(reused.length).toBeGreaterThanOrEqual(lab.length - 2);
  });
});
