/**
 * A moving node: namespaces removed between discovery and reading, removed while a snapshot runs,
 * stale files left in /run/netns, and listeners opened inside a namespace. Everything this file
 * creates carries the lab prefix plus "t" and is removed in afterEach, even when a test fails.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { decodeReading, type NetnsContent } from "../../server/collect/decode-reading";
import { NetnsReader } from "../../server/collect/netns-reader";
import { discover } from "../../server/discover/discover";
import { SnapshotService } from "../../server/snapshot/snapshot-service";
import { takeSnapshot } from "../../server/snapshot/take-snapshot";
import { labConfig } from "../lab/lab-config";
import { run, tryRun, waitFor } from "../lab/sh";

const prefix = `${labConfig().prefix}-t`;
const reader = new NetnsReader();
const made: { netns: string[]; files: string[]; children: ChildProcess[] } = { netns: [], files: [], children: [] };

function addNetns(count: number): string[] {
  const names = Array.from({ length: count }, (_, i) => `${prefix}${process.pid % 1000}-${i}`);
  for (const name of names) {
    run("ip", ["netns", "add", name]);
    made.netns.push(name);
  }
  return names;
}

afterEach(() => {
  for (const child of made.children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const name of made.netns) tryRun("ip", ["netns", "del", name]);
  for (const file of made.files) fs.rmSync(file, { force: true });
  made.netns = [];
  made.files = [];
  made.children = [];
});
afterAll(() => reader.close());

describe("a namespace that disappears", () => {
  it("between discovery and reading is reported as gone, and the rest of the pass goes on", async () => {
    const names = addNetns(6);
    const discovery = discover();
    const inodes = new Map(names.map((n) => [n, String(fs.statSync(`/run/netns/${n}`).ino)]));
    const removed = names.slice(0, 3);
    for (const name of removed) run("ip", ["netns", "del", name]);
    const contents: NetnsContent[] = [];
    await reader.read(
      discovery.netns.map((n) => ({ id: n.id, path: n.openPath })),
      (batch) => contents.push(...batch.map((r) => decodeReading(r))),
    );
    expect(contents).toHaveLength(discovery.netns.length);
    for (const name of names) {
      const content = contents.find((c) => c.id === inodes.get(name));
      expect(content, name).toBeDefined();
      expect(content?.isGone, name).toBe(removed.includes(name));
      expect(content?.errors, name).toEqual([]);
    }
    expect(contents.find((c) => c.id === discovery.hostNetnsId)?.links.length).toBeGreaterThan(0);
  });

  it("while snapshots run never breaks a snapshot, and every peer reference resolves or is flagged", async () => {
    const names = addNetns(40);
    const deleting = (async () => {
      for (const name of names) {
        run("ip", ["netns", "del", name]);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const snapshots = await Promise.all(Array.from({ length: 5 }, () => takeSnapshot(reader, { validate: true })));
    await deleting;
    for (const { snapshot } of snapshots) {
      const ids = new Set(snapshot.netns.map((n) => n.id));
      for (const n of snapshot.netns) {
        for (const i of n.interfaces) {
          if (i.peer !== undefined) expect(ids.has(i.peer.netnsId)).toBe(true);
          if (i.kind === "veth") expect(i.peer !== undefined || i.isPeerMissing === true).toBe(true);
        }
      }
    }
  });
});

describe("stale namespace files", () => {
  it("reports a file in /run/netns that is not a namespace, and does not list it as one", async () => {
    const file = `/run/netns/${prefix}stale-${process.pid}`;
    made.files.push(file);
    fs.writeFileSync(file, "");
    const { snapshot } = await takeSnapshot(reader, { validate: true });
    expect(snapshot.staleFiles).toContain(file);
    expect(snapshot.netns.some((n) => n.refs.some((r) => r.path === file))).toBe(false);
  });
});

describe("listeners", () => {
  it("lists a TCP listener inside a namespace with the process that holds it", async () => {
    const [name] = addNetns(1);
    if (name === undefined) throw new Error("no namespace");
    run("ip", ["-n", name, "link", "set", "lo", "up"]);
    const port = 18000 + (process.pid % 1000);
    const child = spawn("nsenter", [`--net=/run/netns/${name}`, "busybox", "nc", "-l", "-p", String(port)], { stdio: "ignore" });
    made.children.push(child);
    const inode = String(fs.statSync(`/run/netns/${name}`).ino);
    const service = new SnapshotService({ snapshotTtlMs: 0, scanFds: false, fdScanIntervalMs: 0, engineTimeoutMs: 2000 });
    try {
      await waitFor("the listener to appear", 10_000, async () => {
        const netns = await service.netns(inode);
        return netns?.listeners?.some((l) => l.port === port) ?? false;
      });
      const netns = await service.netns(inode);
      const listener = netns?.listeners?.find((l) => l.port === port);
      // busybox nc binds the dual-stack wildcard; ss, read independently, must agree.
      expect(listener).toMatchObject({ protocol: "tcp", family: "inet6", address: "::", port });
      expect(run("nsenter", [`--net=/run/netns/${name}`, "ss", "-Hltn"])).toMatch(new RegExp(`(\\*|\\[::\\]):${port}\\s`));
      expect(listener?.processes.map((p) => p.command)).toContain("busybox");
      expect(listener?.processes.map((p) => p.pid)).toContain(child.pid);
    } finally {
      service.close();
    }
  });
});

describe("the snapshot service", () => {
  it("shares one scan among concurrent callers and serves it until the TTL passes", async () => {
    const service = new SnapshotService({ snapshotTtlMs: 60_000, scanFds: false, fdScanIntervalMs: 0, engineTimeoutMs: 2000 });
    try {
      const all = await Promise.all(Array.from({ length: 20 }, () => service.snapshot()));
      expect(service.scans).toBe(1);
      expect(new Set(all.map((s) => s.id)).size).toBe(1);
      await service.snapshot();
      expect(service.scans).toBe(1);
    } finally {
      service.close();
    }
  });
});
