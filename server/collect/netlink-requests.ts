import { isIPv4, isIPv6 } from "node:net";
import {
  AF,
  IFI_INDEX_OFFSET,
  IF_STATS_MSG_LEN,
  IFINFOMSG_LEN,
  IFADDRMSG_LEN,
  IFLA,
  IFLA_STATS_LINK_64,
  NETNSA,
  NLM_F,
  NLMSGHDR_LEN,
  RTATTR_HDR_LEN,
  RTEXT_FILTER_SKIP_STATS,
  RTEXT_FILTER_VF,
  RTGENMSG_LEN,
  RTM,
  RTMSG_LEN,
} from "./netlink-constants";
import { putU32le, u16le } from "./little-endian";
import type { NsidByFd } from "./reader-protocol";
import { AF_BRIDGE, NDA, NDMSG_LEN, NETCONFA, NETCONFMSG_LEN, RTA_TRACE, RTM_F, RTM_TRACE } from "./route-get-constants";

/**
 * Request messages for the reader worker, built on the main thread; the worker only stamps each with
 * its sequence number (and, for RTM_GETNSID by fd, the fd) through the helpers at the end.
 */
function message(type: number, flags: number, bodyLen: number, attrs: Array<[type: number, value: number]> = []): Buffer {
  const len = NLMSGHDR_LEN + bodyLen + attrs.length * (RTATTR_HDR_LEN + 4);
  const buf = Buffer.alloc(len);
  buf.writeUInt32LE(len, 0);
  buf.writeUInt16LE(type, 4);
  buf.writeUInt16LE(flags, 6);
  let off = NLMSGHDR_LEN + bodyLen;
  for (const [attrType, value] of attrs) {
    buf.writeUInt16LE(RTATTR_HDR_LEN + 4, off);
    buf.writeUInt16LE(attrType, off + 2);
    buf.writeInt32LE(value, off + 4);
    off += RTATTR_HDR_LEN + 4;
  }
  return buf;
}

/** RTM_GETLINK dump with 64-bit statistics; VF info and IPv6 statistics filtered out (IFLA_EXT_MASK). */
export function linkDumpRequest(): Buffer {
  const buf = message(RTM.GETLINK, NLM_F.REQUEST | NLM_F.DUMP, IFINFOMSG_LEN, [[IFLA.EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS]]);
  buf.writeUInt8(AF.UNSPEC, NLMSGHDR_LEN);
  return buf;
}

/** RTM_GETSTATS dump of every interface's 64-bit counters only (~230 bytes each; a link message is 1.5–3 KB). */
export function statsDumpRequest(): Buffer {
  const buf = message(RTM.GETSTATS, NLM_F.REQUEST | NLM_F.DUMP, IF_STATS_MSG_LEN);
  buf.writeUInt32LE(1 << (IFLA_STATS_LINK_64 - 1), NLMSGHDR_LEN + 8);
  return buf;
}

/** RTM_GETADDR dump, both families. */
export function addrDumpRequest(): Buffer {
  return message(RTM.GETADDR, NLM_F.REQUEST | NLM_F.DUMP, IFADDRMSG_LEN);
}

/** RTM_GETROUTE dump of every table, both families. */
export function routeDumpRequest(): Buffer {
  return message(RTM.GETROUTE, NLM_F.REQUEST | NLM_F.DUMP, RTMSG_LEN);
}

/** RTM_GETNSID for the namespace behind a file descriptor, and where withFd() writes the fd. */
export function nsidByFdRequest(): NsidByFd<Buffer> {
  return { request: message(RTM.GETNSID, NLM_F.REQUEST, RTGENMSG_LEN, [[NETNSA.FD, -1]]), fdOffset: NLMSGHDR_LEN + RTGENMSG_LEN + RTATTR_HDR_LEN };
}

/** A copy of the RTM_GETNSID template asking about the namespace behind `fd`. */
export function withFd(template: NsidByFd<Buffer>, fd: number): Buffer {
  const request = Buffer.from(template.request);
  request.writeInt32LE(fd, template.fdOffset);
  return request;
}

export function setSequence(request: Buffer, seq: number): void {
  putU32le(request, 8, seq);
}

export function isDumpRequest(request: Buffer): boolean {
  return (u16le(request, 6) & NLM_F.DUMP) === NLM_F.DUMP;
}

// Path trace (server/trace/): single questions about one flow, asked inside one namespace like
// `ip route get`, `ip neigh get`, `ip netconf show dev`, `bridge fdb show` and `ip link show dev`.

/** A request with a fixed-size header and attributes of any length, each padded to 4 bytes. */
function requestWith(type: number, flags: number, header: Buffer, attrs: Array<[type: number, value: Buffer]>): Buffer {
  const align = (n: number) => (n + 3) & ~3;
  const len = NLMSGHDR_LEN + align(header.length) + attrs.reduce((sum, [, value]) => sum + align(RTATTR_HDR_LEN + value.length), 0);
  const buf = Buffer.alloc(len);
  buf.writeUInt32LE(len, 0);
  buf.writeUInt16LE(type, 4);
  buf.writeUInt16LE(flags, 6);
  header.copy(buf, NLMSGHDR_LEN);
  let off = NLMSGHDR_LEN + align(header.length);
  for (const [attrType, value] of attrs) {
    buf.writeUInt16LE(RTATTR_HDR_LEN + value.length, off);
    buf.writeUInt16LE(attrType, off + 2);
    value.copy(buf, off + RTATTR_HDR_LEN);
    off += align(RTATTR_HDR_LEN + value.length);
  }
  return buf;
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u8 = (n: number): Buffer => Buffer.from([n]);
/** Ports travel in network byte order (__be16). */
const be16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};

/** The 4 or 16 bytes of an IPv4 or IPv6 address (network order), or undefined when `address` is neither. */
export function ipBytes(address: string): Buffer | undefined {
  if (isIPv4(address)) return Buffer.from(address.split(".").map(Number));
  if (!isIPv6(address) || address.includes("%")) return undefined;
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes its two groups.
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const hex = (hi: string | undefined, lo: string | undefined) => ((Number(hi) << 8) | Number(lo)).toString(16);
  const text = dotted === null ? address : `${dotted[1]}${hex(dotted[2], dotted[3])}:${hex(dotted[4], dotted[5])}`;
  const [head = "", rest] = text.split("::", 2);
  const groups = (s: string) => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = rest === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (all.length !== 8) return undefined;
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

export type IpFamily = "inet" | "inet6";
const afOf = (family: IpFamily) => (family === "inet" ? AF.INET : AF.INET6);

/** One flow to look up: `ip route get <destination> [from <source>] [iif <iif>] [ipproto P] [sport S] [dport D]`. */
export interface RouteGetQuery {
  family: IpFamily;
  destination: string;
  /** The packet's source address; needed with `iif` (an input lookup checks it, like a real packet's). */
  source?: string;
  /** Look the flow up as if it arrived on this interface (forwarding), instead of as sent from this namespace. */
  iifIndex?: number;
  /** IP protocol number (IPPROTO.TCP, UDP, ICMP, ICMPV6) for policy routing on the flow. */
  protocol?: number;
  sourcePort?: number;
  destinationPort?: number;
  /** Answer with the FIB entry that matched (`ip route get ... fibmatch`) rather than the route the packet takes. */
  fibMatch?: boolean;
}

/** RTM_GETROUTE for one flow, answered with one RTM_NEWROUTE (or an NLMSG_ERROR whose errno says why there is no route). */
export function routeGetRequest(query: RouteGetQuery): Buffer {
  const bits = query.family === "inet" ? 32 : 128;
  const dst = ipBytes(query.destination);
  if (dst === undefined || dst.length !== bits / 8) throw new TypeError(`${query.destination} is not an ${query.family} address`);
  const src = query.source === undefined ? undefined : ipBytes(query.source);
  if (query.source !== undefined && src?.length !== bits / 8) throw new TypeError(`${query.source} is not an ${query.family} address`);
  const header = Buffer.alloc(RTMSG_LEN);
  header.writeUInt8(afOf(query.family), 0);
  header.writeUInt8(bits, 1);
  header.writeUInt8(src === undefined ? 0 : bits, 2);
  header.writeUInt32LE(RTM_F.LOOKUP_TABLE | (query.fibMatch ? RTM_F.FIB_MATCH : 0), 8);
  const attrs: Array<[number, Buffer]> = [[RTA_TRACE.DST, dst]];
  if (src !== undefined) attrs.push([RTA_TRACE.SRC, src]);
  if (query.iifIndex !== undefined) attrs.push([RTA_TRACE.IIF, u32(query.iifIndex)]);
  if (query.protocol !== undefined) attrs.push([RTA_TRACE.IP_PROTO, u8(query.protocol)]);
  if (query.sourcePort !== undefined) attrs.push([RTA_TRACE.SPORT, be16(query.sourcePort)]);
  if (query.destinationPort !== undefined) attrs.push([RTA_TRACE.DPORT, be16(query.destinationPort)]);
  return requestWith(RTM.GETROUTE, NLM_F.REQUEST, header, attrs);
}

/** RTM_GETNEIGH for one address on one interface (`ip neigh get ADDR dev IF`); ENOENT when the table has no entry. */
export function neighbourGetRequest(family: IpFamily, ifindex: number, address: string): Buffer {
  const dst = ipBytes(address);
  if (dst === undefined) throw new TypeError(`${address} is not an IP address`);
  const header = Buffer.alloc(NDMSG_LEN);
  header.writeUInt8(afOf(family), 0);
  header.writeInt32LE(ifindex, 4);
  return requestWith(RTM_TRACE.GETNEIGH, NLM_F.REQUEST, header, [[NDA.DST, dst]]);
}

/** RTM_GETNETCONF for one interface (`ip netconf show dev IF`): whether it forwards, its rp_filter. */
export function netconfGetRequest(family: IpFamily, ifindex: number): Buffer {
  const header = Buffer.alloc(NETCONFMSG_LEN);
  header.writeUInt8(afOf(family), 0);
  const index = Buffer.alloc(4);
  index.writeInt32LE(ifindex);
  return requestWith(RTM_TRACE.GETNETCONF, NLM_F.REQUEST, header, [[NETCONFA.IFINDEX, index]]);
}

/** AF_BRIDGE RTM_GETNEIGH dump: every bridge FDB entry of the namespace (`bridge fdb show`). */
export function fdbDumpRequest(): Buffer {
  const header = Buffer.alloc(NDMSG_LEN);
  header.writeUInt8(AF_BRIDGE, 0);
  return requestWith(RTM_TRACE.GETNEIGH, NLM_F.REQUEST | NLM_F.DUMP, header, []);
}

/** RTM_GETLINK for one interface (`ip link show dev IF`), without VF info or IPv6 statistics. */
export function linkGetRequest(ifindex: number): Buffer {
  const header = Buffer.alloc(IFINFOMSG_LEN);
  header.writeInt32LE(ifindex, IFI_INDEX_OFFSET);
  return requestWith(RTM.GETLINK, NLM_F.REQUEST, header, [[IFLA.EXT_MASK, u32(RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS)]]);
}
