/**
 * The message walks both threads share (netlink-parser.ts, rtnl-decode.ts): where an answer ends, the
 * seq/port clearing, the attribute lookup and the nsid answer, on answers recorded from the lab.
 */
import { describe, expect, it } from "vitest";
import { NETNSA, NLMSG, NLMSGHDR_LEN, RTGENMSG_LEN } from "../../../server/collect/netlink-constants";
import {
  clearSeqAndPort,
  endsAnswer,
  findAttribute,
  MalformedNetlinkError,
  NetlinkError,
  splitMessages,
  walkMessages,
} from "../../../server/collect/netlink-parser";
import { decodeNsidAnswer } from "../../../server/collect/rtnl-decode";
import { loadReading } from "./fixtures";

const NAMES = ["ip_netns_lab_a", "ip_netns_lab_b", "ip_netns_lab_c", "docker_lab_mac", "docker_lab_multi"];

/** Each message's offset, length and type. */
function headers(buf: Buffer): Array<{ off: number; len: number; type: number }> {
  const out: Array<{ off: number; len: number; type: number }> = [];
  walkMessages(buf, 0, buf.length, (off, len, type) => {
    out.push({ off, len, type });
  });
  return out;
}

describe("walkMessages", () => {
  const links = loadReading("ip_netns_lab_a").result.answers[0];

  it("visits every message of a dump, its NLMSG_DONE last, and ends past the last byte", () => {
    const all = headers(links);
    expect(all.length).toBe(splitMessages(links, "links").length + 1);
    expect(all.at(-1)?.type).toBe(NLMSG.DONE);
    expect(walkMessages(links, 0, links.length, () => false)).toBe(links.length);
  });

  it("stops where the visitor says, and after a garbled length", () => {
    const all = headers(links);
    const second = all[1]?.off ?? -1;
    expect(walkMessages(links, 0, links.length, (off) => off === second)).toBe(second);
    const garbled = Buffer.from(links);
    garbled.writeUInt32LE(7, second);
    const visited = headers(garbled);
    expect(visited.map((h) => h.off)).toEqual([0, second]);
    expect(visited[1]?.len).toBe(7);
  });
});

describe("endsAnswer", () => {
  it("ends a dump at its NLMSG_DONE, wherever the datagram starts, and not before", () => {
    for (const name of NAMES) {
      for (const answer of loadReading(name).result.answers) {
        const all = headers(answer);
        const done = all.at(-1);
        expect(done?.type, name).toBe(NLMSG.DONE);
        expect(endsAnswer(answer, 0, answer.length, true, 1), name).toBe(true);
        expect(endsAnswer(answer, done?.off ?? 0, answer.length, true, 1), name).toBe(true);
        expect(endsAnswer(answer, 0, done?.off ?? 0, true, 1), name).toBe(false);
      }
    }
  });

  it("ends a plain request's answer at the message carrying its sequence number", () => {
    // The worker zeroes sequence numbers before handing an answer over: this one's reads as 0.
    const hostIdHere = loadReading("ip_netns_lab_a").result.hostIdHere;
    expect(endsAnswer(hostIdHere, 0, hostIdHere.length, false, 0)).toBe(true);
    expect(endsAnswer(hostIdHere, 0, hostIdHere.length, false, 5)).toBe(false);
    expect(endsAnswer(hostIdHere, 0, hostIdHere.length, true, 0)).toBe(false);
  });

  it("ends at NLMSG_ERROR and at a garbled length (the parser then reports it)", () => {
    const refused = Buffer.from(loadReading("ip_netns_lab_a").result.hostIdHere);
    refused.writeUInt16LE(NLMSG.ERROR, 4);
    expect(endsAnswer(refused, 0, refused.length, true, 1)).toBe(true);
    const garbled = Buffer.from(refused);
    garbled.writeUInt16LE(0x58, 4);
    garbled.writeUInt32LE(3, 0);
    expect(endsAnswer(garbled, 0, garbled.length, true, 1)).toBe(true);
  });
});

describe("clearSeqAndPort", () => {
  it("zeroes every message's sequence number and port id, and nothing else", () => {
    const recorded = loadReading("docker_lab_multi").result.answers[0];
    const stamped = Buffer.from(recorded);
    const all = headers(stamped);
    expect(all.length).toBeGreaterThan(1);
    for (const { off } of all) {
      stamped.writeUInt32LE(42, off + 8);
      stamped.writeUInt32LE(4242, off + 12);
    }
    expect(stamped.equals(recorded)).toBe(false);
    clearSeqAndPort(stamped);
    expect(stamped.equals(recorded)).toBe(true);
  });
});

describe("the nsid of an RTM_GETNSID answer", () => {
  it("is the namespace's id for the host where its veth or macvlan leads to the host, and -1 where nothing does", () => {
    for (const name of NAMES) {
      const { lab, result } = loadReading(name);
      const leadsToHost = lab.netns.interfaces.some((i) => i.peer?.netns === "host" || i.parentNetns === "host");
      const nsid = decodeNsidAnswer(result.hostIdHere, name);
      if (leadsToHost) expect(nsid, name).toBeGreaterThanOrEqual(0);
      else expect(nsid, name).toBe(-1);
      const body = result.hostIdHere.subarray(NLMSGHDR_LEN);
      expect(findAttribute(body, RTGENMSG_LEN, body.length, NETNSA.NSID, name)?.readInt32LE(0), name).toBe(nsid);
    }
  });

  it("throws on a refused request and on a broken attribute, which the worker reads as no id", () => {
    const recorded = loadReading("ip_netns_lab_a").result.hostIdHere;
    const refused = Buffer.from(recorded);
    refused.writeUInt16LE(NLMSG.ERROR, 4);
    refused.writeInt32LE(-1, NLMSGHDR_LEN);
    expect(() => decodeNsidAnswer(refused, "refused")).toThrow(NetlinkError);
    const broken = Buffer.from(recorded);
    broken.writeUInt16LE(0x40, NLMSGHDR_LEN + RTGENMSG_LEN);
    expect(() => decodeNsidAnswer(broken, "broken")).toThrow(MalformedNetlinkError);
  });

  it("is -1 when the answer holds no message but its end", () => {
    const links = loadReading("ip_netns_lab_a").result.answers[0];
    const done = headers(links).at(-1);
    expect(done?.type).toBe(NLMSG.DONE);
    expect(decodeNsidAnswer(links.subarray(done?.off ?? 0), "done")).toBe(-1);
  });
});
