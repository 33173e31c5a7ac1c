/** The path trace's request builders (netlink-requests.ts): header fields and attributes, byte by byte, and the bytes the recorded answers were asked with. */
import { describe, expect, it } from "vitest";
import { NLMSGHDR_LEN, RTMSG_LEN } from "../../../server/collect/netlink-constants";
import { forEachAttribute } from "../../../server/collect/netlink-parser";
import {
  fdbDumpRequest,
  ipBytes,
  isDumpRequest,
  linkGetRequest,
  neighbourGetRequest,
  netconfGetRequest,
  routeGetRequest,
} from "../../../server/collect/netlink-requests";
import { IPPROTO, NDMSG_LEN, NETCONFMSG_LEN, RTA_TRACE } from "../../../server/collect/route-get-constants";
import { recorded } from "../trace/route-get-fixtures";

function attrs(req: Buffer, headerLen: number): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  forEachAttribute(req, NLMSGHDR_LEN + headerLen, req.length, "test", (type, from, to) => out.set(type, req.subarray(from, to)));
  return out;
}

describe("ipBytes", () => {
  it.each([
    ["10.0.0.1", "0a000001"],
    ["255.255.255.255", "ffffffff"],
    ["fd00::1", "fd000000000000000000000000000001"],
    ["::", "00000000000000000000000000000000"],
    ["::1", "00000000000000000000000000000001"],
    ["fe80::a:b:c:d", "fe80000000000000000a000b000c000d"],
    ["2001:db8:0:0:1:0:0:1", "20010db8000000000001000000000001"],
    ["::ffff:10.1.2.3", "00000000000000000000ffff0a010203"],
    ["64:ff9b::192.0.2.33", "0064ff9b0000000000000000c0000221"],
    ["1:2:3:4:5:6:7:8", "00010002000300040005000600070008"],
  ])("%s is %s", (address, hex) => {
    expect(ipBytes(address)?.toString("hex")).toBe(hex);
  });

  it.each(["10.0.0.256", "10.0.0", "fe80::1%eth0", "1::2::3", "x", ""])("refuses %j", (address) => {
    expect(ipBytes(address)).toBeUndefined();
  });
});

describe("routeGetRequest", () => {
  it("asks for one flow as `ip route get` does, with the table the route came from", () => {
    const req = routeGetRequest({ family: "inet", destination: "10.0.2.7", protocol: IPPROTO.TCP, sourcePort: 40000, destinationPort: 443 });
    expect(req.readUInt32LE(0)).toBe(req.length);
    expect(req.readUInt16LE(4)).toBe(26); // RTM_GETROUTE
    expect(req.readUInt16LE(6)).toBe(1); // NLM_F_REQUEST: one answer, not a dump
    expect(isDumpRequest(req)).toBe(false);
    const rtm = req.subarray(NLMSGHDR_LEN, NLMSGHDR_LEN + RTMSG_LEN);
    expect([rtm[0], rtm[1], rtm[2]]).toEqual([2, 32, 0]); // AF_INET, dst_len 32, no source
    expect(rtm.readUInt32LE(8)).toBe(0x1000); // RTM_F_LOOKUP_TABLE
    const a = attrs(req, RTMSG_LEN);
    expect(a.get(RTA_TRACE.DST)?.toString("hex")).toBe("0a000207");
    expect(a.get(RTA_TRACE.IP_PROTO)?.toString("hex")).toBe("06");
    // Ports in network byte order (__be16).
    expect(a.get(RTA_TRACE.SPORT)?.toString("hex")).toBe("9c40");
    expect(a.get(RTA_TRACE.DPORT)?.toString("hex")).toBe("01bb");
    expect(a.has(RTA_TRACE.IIF)).toBe(false);
    expect(a.has(RTA_TRACE.SRC)).toBe(false);
  });

  it("asks as if the packet came in by an interface, from its source", () => {
    const req = routeGetRequest({ family: "inet6", destination: "fd00::2", source: "fd00::1", iifIndex: 7, fibMatch: true });
    const rtm = req.subarray(NLMSGHDR_LEN, NLMSGHDR_LEN + RTMSG_LEN);
    expect([rtm[0], rtm[1], rtm[2]]).toEqual([10, 128, 128]);
    expect(rtm.readUInt32LE(8)).toBe(0x1000 | 0x2000); // + RTM_F_FIB_MATCH
    const a = attrs(req, RTMSG_LEN);
    expect(a.get(RTA_TRACE.DST)?.toString("hex")).toBe("fd000000000000000000000000000002");
    expect(a.get(RTA_TRACE.SRC)?.toString("hex")).toBe("fd000000000000000000000000000001");
    expect(a.get(RTA_TRACE.IIF)?.readUInt32LE(0)).toBe(7);
  });

  it("refuses an address of the other family", () => {
    expect(() => routeGetRequest({ family: "inet", destination: "fd00::1" })).toThrow(/not an inet address/);
    expect(() => routeGetRequest({ family: "inet6", destination: "fd00::1", source: "10.0.0.1" })).toThrow(/not an inet6 address/);
  });

  it.each(["route-unicast", "route-fibmatch", "route-local-iif", "route-inet6"])("builds the bytes %s was recorded with", (name) => {
    const r = recorded(name);
    const rebuilt =
      name === "route-unicast"
        ? routeGetRequest({ family: "inet", destination: "10.197.0.2", protocol: IPPROTO.TCP, destinationPort: 443 })
        : name === "route-fibmatch"
          ? routeGetRequest({ family: "inet", destination: "10.197.0.2", fibMatch: true })
          : name === "route-local-iif"
            ? routeGetRequest({ family: "inet", destination: "10.197.0.2", source: "10.197.0.1", iifIndex: 2 })
            : routeGetRequest({ family: "inet6", destination: "fd97::2" });
    expect(rebuilt.toString("hex")).toBe(r.request.toString("hex"));
  });
});

describe("the other questions", () => {
  it("neighbourGetRequest: one address on one interface", () => {
    const req = neighbourGetRequest("inet", 3, "10.0.0.9");
    expect(req.readUInt16LE(4)).toBe(30); // RTM_GETNEIGH
    expect(req.readUInt16LE(6)).toBe(1);
    expect(req[NLMSGHDR_LEN]).toBe(2);
    expect(req.readInt32LE(NLMSGHDR_LEN + 4)).toBe(3);
    // ndm_state, ndm_flags and ndm_type stay 0: the kernel refuses a get request with them set.
    expect(req.subarray(NLMSGHDR_LEN + 8, NLMSGHDR_LEN + 12).toString("hex")).toBe("00000000");
    expect(attrs(req, NDMSG_LEN).get(1)?.toString("hex")).toBe("0a000009");
  });

  it("netconfGetRequest: one interface's settings, the attribute 4-byte aligned after the 1-byte header", () => {
    const req = netconfGetRequest("inet6", 5);
    expect(req.readUInt16LE(4)).toBe(82); // RTM_GETNETCONF
    expect(req[NLMSGHDR_LEN]).toBe(10);
    expect(attrs(req, NETCONFMSG_LEN).get(1)?.readInt32LE(0)).toBe(5);
    expect(req.length).toBe(NLMSGHDR_LEN + 4 + 8);
  });

  it("fdbDumpRequest: every AF_BRIDGE entry, a dump", () => {
    const req = fdbDumpRequest();
    expect(req.readUInt16LE(4)).toBe(30);
    expect(isDumpRequest(req)).toBe(true);
    expect(req[NLMSGHDR_LEN]).toBe(7);
    expect(req.length).toBe(NLMSGHDR_LEN + NDMSG_LEN);
  });

  it("linkGetRequest: one interface by index, without VF info and IPv6 statistics", () => {
    const req = linkGetRequest(42);
    expect(req.readUInt16LE(4)).toBe(18); // RTM_GETLINK
    expect(isDumpRequest(req)).toBe(false);
    expect(req.readInt32LE(NLMSGHDR_LEN + 4)).toBe(42);
    expect(attrs(req, 16).get(29)?.readUInt32LE(0)).toBe(1 | 8); // IFLA_EXT_MASK: RTEXT_FILTER_VF | SKIP_STATS
  });

  it.each([
    ["neigh-reachable", () => neighbourGetRequest("inet", 2, "10.197.0.2")],
    ["netconf-no-forward", () => netconfGetRequest("inet", 2)],
    ["fdb", () => fdbDumpRequest()],
    ["link-port", () => linkGetRequest(3)],
  ] as const)("builds the bytes %s was recorded with", (name, build) => {
    expect(build().toString("hex")).toBe(recorded(name).request.toString("hex"));
  });
});
