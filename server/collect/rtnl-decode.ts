import {
  AF,
  ARPHRD_LOOPBACK,
  IFA,
  IFF,
  IFI_FLAGS_OFFSET,
  IFI_INDEX_OFFSET,
  IFADDRMSG_LEN,
  IFINFOMSG_LEN,
  IFLA,
  IFLA_INFO,
  IFLA_MACVLAN_MODE,
  IF_STATS_MSG_LEN,
  IFLA_STATS_LINK_64,
  IFLA_TUN_TYPE,
  IFLA_VXLAN,
  MACVLAN_MODES,
  NETNSA,
  NLMSGHDR_LEN,
  OPER_STATES,
  RTA,
  RT_SCOPES,
  RTGENMSG_LEN,
  RTM,
  RTMSG_LEN,
  RTN_TYPES,
  RTPROT,
  STATS64_FIELDS,
  TUN_TYPES,
} from "./netlink-constants";
import { attrS32, findAttribute, forEachAttribute, forEachMessage, MalformedNetlinkError, type NetlinkMessage } from "./netlink-parser";
import { s32le, u16le, u32le } from "./little-endian";
import { formatIpAt, formatMacAt } from "./ip-format";

// The decoders below walk attributes by offset (no Map, no sub-buffers): at 1,000 namespaces they
// handle ~30,000 messages per snapshot, so allocation per attribute shows up in the total.

export type LinkStats = Record<(typeof STATS64_FIELDS)[number], number>;

/** One interface as the kernel describes it, before wiring. */
export interface RawLink {
  ifindex: number;
  name: string;
  /** IFLA_INFO_KIND ("veth", "bridge", "vxlan", "macvlan", "tun", "tap" …), "loopback", or "device" when none. */
  kind: string;
  mac?: string;
  mtu: number;
  operState: string;
  isUp: boolean;
  isPromiscuous: boolean;
  masterIfindex?: number;
  /** IFLA_LINK: the peer (veth) or parent (macvlan) ifindex, in the namespace linkNetnsid names. */
  linkIfindex?: number;
  /** IFLA_LINK_NETNSID: the other namespace's id *as numbered by this namespace*. */
  linkNetnsid?: number;
  vxlan?: { id?: number; remote?: string; local?: string; port?: number; underlayIfindex?: number };
  macvlanMode?: string;
  stats?: LinkStats;
}

export interface RawAddress {
  ifindex: number;
  family: "inet" | "inet6";
  address: string;
  prefixLength: number;
  scope: string;
}

export interface RawRoute {
  family: "inet" | "inet6";
  table: number;
  type: string;
  protocol: string;
  scope: string;
  destination: string;
  gateway?: string;
  outIfindex?: number;
  preferredSource?: string;
  priority?: number;
  isMultipath: boolean;
}

export const familyOf = (af: number): "inet" | "inet6" | undefined => (af === AF.INET ? "inet" : af === AF.INET6 ? "inet6" : undefined);

/**
 * One message's body: buf[start, end). The decoders read it in place, so that decoding an answer makes no view per
 * message (~17,000 messages at 1,000 namespaces); `bodyOf` wraps a message split out of an answer.
 */
export interface MessageBody {
  buf: Buffer;
  start: number;
  end: number;
}

export const bodyOf = (msg: NetlinkMessage): MessageBody => ({ buf: msg.body, start: 0, end: msg.body.length });

function need(m: MessageBody, len: number, where: string): void {
  if (m.end - m.start < len) throw new MalformedNetlinkError(`${where}: body of ${m.end - m.start} bytes, need ${len}`);
}

/** A NUL-terminated string in buf[from, to). */
function stringAt(buf: Buffer, from: number, to: number): string {
  const nul = buf.indexOf(0, from);
  return buf.toString("utf8", from, nul === -1 || nul > to ? to : nul);
}

/** An attribute value buf[from, to) as a u32; undefined when it is shorter. */
export const u32At = (buf: Buffer, from: number, to: number) => (to - from >= 4 ? u32le(buf, from) : undefined);
/** A u64 counter as a number (exact below 2^53: centuries of traffic). */
const u64At = (buf: Buffer, at: number) => u32le(buf, at) + u32le(buf, at + 4) * 0x1_0000_0000;

function statsAt(buf: Buffer, from: number, to: number): LinkStats | undefined {
  if (to - from < STATS64_FIELDS.length * 8) return undefined;
  return {
    rxPackets: u64At(buf, from),
    txPackets: u64At(buf, from + 8),
    rxBytes: u64At(buf, from + 16),
    txBytes: u64At(buf, from + 24),
    rxErrors: u64At(buf, from + 32),
    txErrors: u64At(buf, from + 40),
    rxDropped: u64At(buf, from + 48),
    txDropped: u64At(buf, from + 56),
  };
}

function decodeKindData(link: RawLink, buf: Buffer, from: number, to: number, where: string): void {
  if (link.kind === "tun") {
    forEachAttribute(buf, from, to, where, (type, a, b) => {
      if (type === IFLA_TUN_TYPE && b > a) link.kind = TUN_TYPES[buf[a] ?? 0] ?? "tun";
    });
  } else if (link.kind === "vxlan") {
    const vxlan: NonNullable<RawLink["vxlan"]> = {};
    forEachAttribute(buf, from, to, where, (type, a, b) => {
      if (type === IFLA_VXLAN.ID) vxlan.id = u32At(buf, a, b);
      else if (type === IFLA_VXLAN.GROUP || type === IFLA_VXLAN.GROUP6) vxlan.remote = formatIpAt(buf, a, b);
      else if (type === IFLA_VXLAN.LOCAL || type === IFLA_VXLAN.LOCAL6) vxlan.local = formatIpAt(buf, a, b);
      else if (type === IFLA_VXLAN.PORT && b - a >= 2) vxlan.port = buf.readUInt16BE(a);
      else if (type === IFLA_VXLAN.LINK) vxlan.underlayIfindex = u32At(buf, a, b);
    });
    link.vxlan = vxlan;
  } else if (link.kind === "macvlan" || link.kind === "macvtap") {
    forEachAttribute(buf, from, to, where, (type, a, b) => {
      const mode = type === IFLA_MACVLAN_MODE ? u32At(buf, a, b) : undefined;
      if (mode !== undefined) link.macvlanMode = MACVLAN_MODES[mode] ?? String(mode);
    });
  }
}

/** The interface a link message (of a dump or an event) is about; undefined when its body is too short to say. */
export function linkIndexOf(body: Buffer): number | undefined {
  return body.length >= IFI_INDEX_OFFSET + 4 ? s32le(body, IFI_INDEX_OFFSET) : undefined;
}

export function decodeLink(m: MessageBody, where: string): RawLink {
  need(m, IFINFOMSG_LEN, where);
  const { buf, start, end } = m;
  const flags = u32le(buf, start + IFI_FLAGS_OFFSET);
  const ifindex = s32le(buf, start + IFI_INDEX_OFFSET);
  // Every optional field is present from the start (undefined until an attribute sets it), so that every link has one
  // shape: links of different kinds carry different attributes, and objects that grow in different orders would make
  // the visitors below meet new shapes after V8 optimised them (each a deoptimisation and a recompilation).
  const link: RawLink = {
    ifindex,
    name: `if${ifindex}`,
    kind: u16le(buf, start + 2) === ARPHRD_LOOPBACK ? "loopback" : "device",
    mac: undefined,
    mtu: 0,
    operState: "unknown",
    isUp: (flags & IFF.UP) !== 0,
    isPromiscuous: (flags & IFF.PROMISC) !== 0,
    masterIfindex: undefined,
    linkIfindex: undefined,
    linkNetnsid: undefined,
    vxlan: undefined,
    macvlanMode: undefined,
    stats: undefined,
  };
  const decoding: LinkDecoding = { buf, link, where, dataFrom: -1, dataTo: -1 };
  forEachAttribute(buf, start + IFINFOMSG_LEN, end, where, visitLinkAttribute, decoding);
  if (decoding.dataFrom >= 0) decodeKindData(link, buf, decoding.dataFrom, decoding.dataTo, `${where} ${link.kind} data`);
  return link;
}

/** A link message being decoded: what its (module-level) attribute visitors fill in. */
interface LinkDecoding {
  buf: Buffer;
  link: RawLink;
  where: string;
  /** IFLA_INFO_DATA's value, decoded once the kind is known; -1 when absent. */
  dataFrom: number;
  dataTo: number;
}

function visitLinkAttribute(type: number, a: number, b: number, d: LinkDecoding): void {
  const { buf, link } = d;
  switch (type) {
    case IFLA.IFNAME:
      link.name = stringAt(buf, a, b);
      break;
    case IFLA.MTU:
      link.mtu = u32At(buf, a, b) ?? 0;
      break;
    case IFLA.ADDRESS:
      link.mac = formatMacAt(buf, a, b);
      break;
    case IFLA.OPERSTATE:
      link.operState = OPER_STATES[buf[a] ?? 0] ?? "unknown";
      break;
    case IFLA.MASTER:
      link.masterIfindex = u32At(buf, a, b);
      break;
    case IFLA.LINK:
      link.linkIfindex = u32At(buf, a, b);
      break;
    case IFLA.LINK_NETNSID:
      if (b - a >= 4) link.linkNetnsid = s32le(buf, a);
      break;
    case IFLA.STATS64:
      link.stats = statsAt(buf, a, b);
      break;
    case IFLA.LINKINFO:
      forEachAttribute(buf, a, b, `${d.where} linkinfo`, visitLinkInfo, d);
      break;
  }
}

function visitLinkInfo(infoType: number, c: number, e: number, d: LinkDecoding): void {
  if (infoType === IFLA_INFO.KIND) d.link.kind = stringAt(d.buf, c, e);
  else if (infoType === IFLA_INFO.DATA) {
    d.dataFrom = c;
    d.dataTo = e;
  }
}

export function decodeAddress(m: MessageBody, where: string): RawAddress | undefined {
  need(m, IFADDRMSG_LEN, where);
  const { buf, start, end } = m;
  const family = familyOf(buf[start] ?? 0);
  if (family === undefined) return undefined;
  const decoding: AddressDecoding = { buf, local: undefined, address: undefined };
  forEachAttribute(buf, start + IFADDRMSG_LEN, end, where, visitAddressAttribute, decoding);
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's on point-to-point links.
  const own = decoding.local ?? decoding.address;
  if (own === undefined) return undefined;
  const scope = buf[start + 3] ?? 0;
  return { ifindex: u32le(buf, start + 4), family, address: own, prefixLength: buf[start + 1] ?? 0, scope: RT_SCOPES[scope] ?? String(scope) };
}

interface AddressDecoding {
  buf: Buffer;
  local: string | undefined;
  address: string | undefined;
}

function visitAddressAttribute(type: number, a: number, b: number, d: AddressDecoding): void {
  if (type === IFA.LOCAL) d.local = formatIpAt(d.buf, a, b);
  else if (type === IFA.ADDRESS) d.address = formatIpAt(d.buf, a, b);
}

export function decodeRoute(m: MessageBody, where: string): RawRoute | undefined {
  need(m, RTMSG_LEN, where);
  const { buf, start, end } = m;
  const family = familyOf(buf[start] ?? 0);
  if (family === undefined) return undefined;
  const type = buf[start + 7] ?? 0;
  const protocol = buf[start + 5] ?? 0;
  const scope = buf[start + 6] ?? 0;
  const route: RawRoute = {
    family,
    table: buf[start + 4] ?? 0,
    type: RTN_TYPES[type] ?? String(type),
    protocol: RTPROT[protocol] ?? String(protocol),
    scope: RT_SCOPES[scope] ?? String(scope),
    destination: "default",
    isMultipath: false,
    // One shape for every route, as for links (see decodeLink); JSON leaves the undefined ones out. The order is the
    // kernel's attribute order (RTA_PRIORITY, RTA_PREFSRC, RTA_GATEWAY, RTA_OIF), so the JSON reads as before.
    priority: undefined,
    preferredSource: undefined,
    gateway: undefined,
    outIfindex: undefined,
  };
  forEachAttribute(buf, start + RTMSG_LEN, end, where, visitRouteAttribute, { buf, route, dstLen: buf[start + 1] ?? 0 });
  return route;
}

interface RouteDecoding {
  buf: Buffer;
  route: RawRoute;
  /** rtm_dst_len: the destination's prefix length. */
  dstLen: number;
}

function visitRouteAttribute(attr: number, a: number, b: number, { buf, route, dstLen }: RouteDecoding): void {
  switch (attr) {
    case RTA.TABLE:
      route.table = u32At(buf, a, b) ?? route.table;
      break;
    case RTA.DST:
      route.destination = `${formatIpAt(buf, a, b) ?? "?"}/${dstLen}`;
      break;
    case RTA.GATEWAY:
      route.gateway = formatIpAt(buf, a, b);
      break;
    case RTA.OIF:
      route.outIfindex = u32At(buf, a, b);
      break;
    case RTA.PREFSRC:
      route.preferredSource = formatIpAt(buf, a, b);
      break;
    case RTA.PRIORITY:
      route.priority = u32At(buf, a, b);
      break;
    case RTA.MULTIPATH:
      route.isMultipath = true;
      break;
  }
}

/** One RTM_NEWSTATS message: an interface's 64-bit counters (undefined when the kernel left them out). */
export function decodeStats(m: MessageBody, where: string): { ifindex: number; stats: LinkStats | undefined } {
  need(m, IF_STATS_MSG_LEN, where);
  const { buf, start, end } = m;
  const decoding: StatsDecoding = { buf, stats: undefined };
  forEachAttribute(buf, start + IF_STATS_MSG_LEN, end, where, visitStatsAttribute, decoding);
  return { ifindex: s32le(buf, start + 4), stats: decoding.stats };
}

interface StatsDecoding {
  buf: Buffer;
  stats: LinkStats | undefined;
}

function visitStatsAttribute(type: number, a: number, b: number, d: StatsDecoding): void {
  if (type === IFLA_STATS_LINK_64) d.stats = statsAt(d.buf, a, b);
}

/** The id in a whole RTM_GETNSID answer (-1: none assigned, or no message); throws NetlinkError or MalformedNetlinkError. */
export function decodeNsidAnswer(answer: Buffer, where: string): number {
  const search: NsidSearch = { buf: answer, where, isFirst: true, nsid: -1 };
  forEachMessage(answer, where, visitNsidMessage, search);
  return search.nsid;
}

/** One answer's search for its id, read in place (every namespace's reading carries one). */
interface NsidSearch {
  buf: Buffer;
  where: string;
  isFirst: boolean;
  nsid: number;
}

/** The kernel answers with one message: the first is the answer. */
function visitNsidMessage(type: number, off: number, end: number, search: NsidSearch): void {
  if (!search.isFirst) return;
  search.isFirst = false;
  if (type !== RTM.NEWNSID) throw new MalformedNetlinkError(`${search.where}: expected RTM_NEWNSID, got type ${type}`);
  const start = off + NLMSGHDR_LEN;
  need({ buf: search.buf, start, end }, RTGENMSG_LEN, search.where);
  search.nsid = attrS32(findAttribute(search.buf, start + RTGENMSG_LEN, end, NETNSA.NSID, search.where)) ?? -1;
}
