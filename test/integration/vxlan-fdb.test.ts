/**
 * A vxlan's forwarding entries in the snapshot (server/snapshot/vxlan-fdb.ts), as `bridge fdb show dev` lists them: its
 * own entries (flood and unicast), not the entries of the bridge it is a port of.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { NetnsReader } from "../../server/collect/netns-reader";
import type { Interface } from "../../server/contract/snapshot";
import { takeSnapshot } from "../../server/snapshot/take-snapshot";
import { run, tryRun } from "../lab/sh";

const NS = "t18fdb-vtep";
const reader = new NetnsReader();
const ip = (...args: string[]) => run("ip", ["-n", NS, ...args]);
const bridge = (...args: string[]) => run("bridge", ["-n", NS, ...args]);

beforeAll(() => {
  run("ip", ["netns", "add", NS]);
  ip("link", "add", "vx0", "type", "vxlan", "id", "42", "dstport", "4789", "local", "10.199.0.1");
  ip("link", "add", "br0", "type", "bridge");
  ip("link", "set", "vx0", "master", "br0", "up");
  ip("link", "set", "br0", "up");
  for (const dst of ["10.199.0.2", "10.199.0.3"]) bridge("fdb", "append", "00:00:00:00:00:00", "dev", "vx0", "dst", dst);
  bridge("fdb", "add", "0a:00:00:00:00:09", "dev", "vx0", "dst", "10.199.0.3");
});

afterAll(() => {
  reader.close();
  tryRun("ip", ["netns", "delete", NS]);
});

/** What iproute2 says vx0 itself holds (`self` entries), as the snapshot names them. */
function iproute2Entries(): Array<{ mac: string; dst: string | undefined; isStatic: boolean }> {
  const listed = z
    .array(z.object({ mac: z.string(), dst: z.string().optional(), flags: z.array(z.string()), state: z.string().optional() }))
    .parse(JSON.parse(bridge("-j", "fdb", "show", "dev", "vx0")));
  return listed.filter((e) => e.flags.includes("self")).map((e) => ({ mac: e.mac, dst: e.dst, isStatic: e.state === "permanent" || e.state === "noarp" }));
}

describe("a vxlan's FDB in the snapshot", () => {
  it("lists the device's own entries as iproute2 does, without its bridge's", async () => {
    const { snapshot } = await takeSnapshot(reader, { validate: true });
    const netns = snapshot.netns.find((n) => n.id === String(fs.statSync(`/run/netns/${NS}`).ino));
    const vx0: Interface | undefined = netns?.interfaces.find((i) => i.name === "vx0");
    const expected = iproute2Entries();
    expect(expected.length).toBe(3);
    const fdb = vx0?.vxlan?.fdb ?? [];
    expect(fdb.map(({ mac, dst, isStatic }) => ({ mac, dst, isStatic })).sort((a, b) => `${a.mac}${a.dst}`.localeCompare(`${b.mac}${b.dst}`))).toEqual(
      expected.sort((a, b) => `${a.mac}${a.dst}`.localeCompare(`${b.mac}${b.dst}`)),
    );
    expect(vx0?.vxlan).toMatchObject({ id: 42, local: "10.199.0.1", port: 4789 });
    expect(netns?.errors).toEqual([]);
  });

  it("gives every vxlan of the node its FDB, and no other interface a vxlan field", async () => {
    const { snapshot } = await takeSnapshot(reader, {});
    const vxlans = snapshot.netns.flatMap((n) => n.interfaces.filter((i) => i.kind === "vxlan"));
    expect(vxlans.length).toBeGreaterThan(0);
    for (const i of vxlans) expect(i.vxlan?.fdb, i.name).toBeDefined();
    const others = snapshot.netns.flatMap((n) => n.interfaces.filter((i) => i.kind !== "vxlan"));
    expect(others.length).toBeGreaterThan(0);
    expect(others.filter((i) => i.vxlan !== undefined)).toEqual([]);
  });
});
