/**
 * A namespace with veths into several other non-host namespaces (a bridge namespace with a port per
 * host, a router): every one of its veths is paired with its peer. The nsid questions for such a
 * namespace come in one query per peer namespace, and each query's answers must be kept.
 */
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { NetnsReader } from "../../server/collect/netns-reader";
import { takeSnapshot } from "../../server/snapshot/take-snapshot";
import { run, tryRun } from "../lab/sh";

const PREFIX = "t16vp";
const HUB = `${PREFIX}-hub`;
const LEAVES = [1, 2, 3].map((i) => `${PREFIX}-leaf${i}`);
const reader = new NetnsReader();

afterAll(() => {
  reader.close();
  for (const name of [HUB, ...LEAVES]) tryRun("ip", ["netns", "delete", name]);
});

describe("veth pairing", () => {
  it("pairs every veth of a namespace wired to three others", async () => {
    for (const name of [HUB, ...LEAVES]) run("ip", ["netns", "add", name]);
    LEAVES.forEach((leaf, i) => run("ip", ["-n", HUB, "link", "add", `port${i + 1}`, "type", "veth", "peer", "name", "eth0", "netns", leaf]));
    const inode = (name: string) => String(fs.statSync(`/run/netns/${name}`).ino);
    const { snapshot } = await takeSnapshot(reader, { validate: true });
    const hub = snapshot.netns.find((n) => n.id === inode(HUB));
    const ports = hub?.interfaces.filter((i) => i.name.startsWith("port")) ?? [];
    expect(ports.map((p) => p.name).sort()).toEqual(["port1", "port2", "port3"]);
    for (const [i, leaf] of LEAVES.entries()) {
      const port = ports.find((p) => p.name === `port${i + 1}`);
      expect(port?.peer?.netnsId, `port${i + 1}`).toBe(inode(leaf));
      const eth0 = snapshot.netns.find((n) => n.id === inode(leaf))?.interfaces.find((x) => x.name === "eth0");
      expect(eth0?.peer?.netnsId).toBe(inode(HUB));
    }
  });
});
