/** The rtnetlink decoder on answers recorded from the lab, checked against the lab's own manifest. */
import { describe, expect, it } from "vitest";
import { decodeReading } from "../../../server/collect/decode-reading";
import { IFINFOMSG_LEN, IFLA, NLMSG } from "../../../server/collect/netlink-constants";
import { findAttribute, MalformedNetlinkError, NetlinkError, splitMessages } from "../../../server/collect/netlink-parser";
import { loadReading } from "./fixtures";

const cidr = (a: { address: string; prefixLength: number }) => `${a.address}/${a.prefixLength}`;

describe.each(["ip_netns_lab_a", "ip_netns_lab_b", "ip_netns_lab_c", "docker_lab_mac", "docker_lab_multi"])("decoding %s", (name) => {
  const { lab, result } = loadReading(name);
  const content = decodeReading(result);

  it("decodes without errors", () => {
    expect(content.errors).toEqual([]);
    expect(content.isGone).toBe(false);
  });

  it("finds loopback and every interface the lab made, with its kind and addresses", () => {
    expect(content.links.find((l) => l.name === "lo")?.kind).toBe("loopback");
    for (const want of lab.netns.interfaces) {
      const link = content.links.find((l) => l.name === want.name);
      expect(link?.kind, want.name).toBe(want.kind);
      const addrs = content.addresses.filter((a) => a.ifindex === link?.ifindex).map(cidr);
      expect(addrs, want.name).toEqual(expect.arrayContaining(want.addresses));
    }
  });

  it("gives every veth and macvlan a peer/parent ifindex and the namespace id it lives behind", () => {
    for (const want of lab.netns.interfaces.filter((i) => i.kind === "veth" || (i.kind === "macvlan" && i.parentNetns !== undefined))) {
      const link = content.links.find((l) => l.name === want.name);
      expect(link?.linkIfindex, want.name).toBeGreaterThan(0);
      expect(link?.linkNetnsid, want.name).toBeGreaterThanOrEqual(0);
    }
  });

  it("decodes routes of the main and local tables, each with an output interface that exists", () => {
    const tables = new Set(content.routes.map((r) => r.table));
    expect(tables.has(255)).toBe(true);
    const ifindexes = new Set(content.links.map((l) => l.ifindex));
    for (const r of content.routes) if (r.outIfindex !== undefined) expect(ifindexes.has(r.outIfindex)).toBe(true);
    for (const want of lab.netns.interfaces.filter((i) => i.addresses.length > 0)) {
      const link = content.links.find((l) => l.name === want.name);
      expect(
        content.routes.some((r) => r.table === 254 && r.outIfindex === link?.ifindex && r.type === "unicast"),
        want.name,
      ).toBe(true);
    }
  });
});

describe("kind-specific attributes", () => {
  it("reads a vxlan's id, remote, port and underlay device", () => {
    const { lab, result } = loadReading("ip_netns_lab_a");
    const content = decodeReading(result);
    const want = lab.netns.interfaces.find((i) => i.kind === "vxlan");
    const vx = content.links.find((l) => l.name === want?.name);
    expect(vx?.vxlan?.id).toBe(want?.vxlanId);
    expect(vx?.vxlan?.port).toBe(4789);
    expect(vx?.vxlan?.remote).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(vx?.vxlan?.underlayIfindex).toBe(content.links.find((l) => l.name === want?.parent)?.ifindex);
  });

  it("tells a tun from a tap", () => {
    const content = decodeReading(loadReading("ip_netns_lab_b").result);
    expect(content.links.filter((l) => l.kind === "tun" || l.kind === "tap").map((l) => [l.name, l.kind])).toEqual([
      ["tun0", "tun"],
      ["tap0", "tap"],
    ]);
  });

  it("reads a macvlan's mode and 64-bit counters", () => {
    const content = decodeReading(loadReading("docker_lab_mac").result);
    const mac = content.links.find((l) => l.kind === "macvlan");
    expect(mac?.macvlanMode).toBe("bridge");
    expect(mac?.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(Object.keys(mac?.stats ?? {}).sort()).toEqual(["rxBytes", "rxDropped", "rxErrors", "rxPackets", "txBytes", "txDropped", "txErrors", "txPackets"]);
  });
});

describe("broken answers", () => {
  const { result } = loadReading("ip_netns_lab_a");
  const links = result.answers[0];
  const offsets: number[] = [];
  for (let off = 0; off < links.length;) {
    offsets.push(off);
    off += (links.readUInt32LE(off) + 3) & ~3;
  }

  it("rejects a truncated answer instead of returning what came before it", () => {
    const cut = links.subarray(0, (offsets[1] ?? 0) + 20);
    expect(() => splitMessages(cut, "links")).toThrow(MalformedNetlinkError);
    const content = decodeReading({ ...result, answers: [cut, result.answers[1], result.answers[2]] });
    expect(content.errors.join()).toMatch(/overruns/);
  });

  it("rejects a garbled message length", () => {
    const garbled = Buffer.from(links);
    garbled.writeUInt32LE(7, offsets[1] ?? 0);
    expect(() => splitMessages(garbled, "links")).toThrow(MalformedNetlinkError);
  });

  it("rejects an attribute that overruns its message", () => {
    const [first] = splitMessages(links, "links");
    if (first === undefined) throw new Error("no message");
    const body = Buffer.from(first.body);
    expect(findAttribute(body, IFINFOMSG_LEN, body.length, IFLA.IFNAME, "link")?.toString()).toBe("lo\0");
    body.writeUInt16LE(0xfff0, IFINFOMSG_LEN);
    expect(() => findAttribute(body, IFINFOMSG_LEN, body.length, IFLA.IFNAME, "link")).toThrow(MalformedNetlinkError);
  });

  it("turns a dump that ends in NLMSG_DONE carrying an errno into an error, never an empty list", () => {
    // The recorded answer's own NLMSG_DONE, with the errno a failed dump carries there (-EPERM).
    const failed = Buffer.from(links);
    const doneAt = offsets.at(-1) ?? 0;
    expect(failed.readUInt16LE(doneAt + 4)).toBe(NLMSG.DONE);
    failed.writeInt32LE(-1, doneAt + 16);
    expect(() => splitMessages(failed, "links")).toThrow(NetlinkError);
    const content = decodeReading({ ...result, answers: [failed, result.answers[1], result.answers[2]] });
    expect(content.errors).toEqual([expect.stringContaining("errno 1")]);
  });

  it("marks a namespace whose file vanished as gone, and other failures as errors", () => {
    expect(decodeReading({ id: "1", ok: false, stage: "open", errno: 2 })).toMatchObject({ isGone: true, errors: [] });
    expect(decodeReading({ id: "1", ok: false, stage: "setns", errno: 1 })).toMatchObject({
      isGone: false,
      errors: ["setns failed: EPERM (entering a namespace needs CAP_SYS_ADMIN)"],
    });
  });
});
