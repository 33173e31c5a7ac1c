/**
 * Decoders of the kernel's answers to a path trace's questions (the requests are in
 * netlink-requests.ts): RTM_NEWROUTE for one flow, RTM_NEWNEIGH for one neighbour, RTM_NEWNETCONF for
 * one interface, the AF_BRIDGE FDB, and RTM_NEWLINK for one interface. A question the kernel refuses
 * comes back as an NLMSG_ERROR; for a route lookup that refusal *is* the answer (no route, blackhole,
 * unreachable, prohibit), so it is returned as data rather than thrown.
 */
import { formatIpAt, formatMacAt } from "./ip-format";
import { RTMSG_LEN, RTM, RT_SCOPES, RTN_TYPES, RTPROT } from "./netlink-constants";
import { forEachAttribute, MalformedNetlinkError, NetlinkError, splitMessages, type NetlinkMessage } from "./netlink-parser";
import {
  AF_BRIDGE,
  NDA,
  NDMSG_LEN,
  NETCONFA,
  NETCONFMSG_LEN,
  NUD,
  NTF,
  RTA_CACHEINFO_ERROR_OFFSET,
  RTA_TRACE,
  RTAX_MTU,
  RTCF_DOREDIRECT,
  RTM_TRACE,
  ROUTE_ERRNO,
} from "./route-get-constants";
import { bodyOf, decodeLink, familyOf, u32At, type RawLink } from "./rtnl-decode";

/** The route the kernel chose for one flow (an RTM_NEWROUTE answer to RTM_GETROUTE). */
export interface RouteGetRoute {
  family: "inet" | "inet6";
  /** unicast, local, broadcast, multicast, blackhole, unreachable, prohibit, throw, ... */
  type: string;
  /** The table the route was found in (RTA_TABLE; 254 main, 255 local). */
  table: number;
  protocol: string;
  scope: string;
  /** The destination as answered: the address itself for a lookup, the matched prefix for a FIB match ("10.0.0.0/24", "default"). */
  destination: string;
  source?: string;
  /** RTA_GATEWAY, or RTA_VIA (an IPv6 next hop for an IPv4 route). */
  gateway?: string;
  outIfindex?: number;
  inIfindex?: number;
  preferredSource?: string;
  priority?: number;
  /** RTAX_MTU of RTA_METRICS: a route's own MTU, when it has one (or the path MTU the kernel learned). */
  mtu?: number;
  isMultipath: boolean;
  /** rtm_flags: route cache flags (RTCF_*) on a lookup's answer. */
  flags: number;
  /** The route sends the packet back out the interface it came in by (RTCF_DOREDIRECT). */
  isRedirect: boolean;
  /** RTA_CACHEINFO's error (a positive errno; IPv6 answers carry one for routes that reject). */
  cacheError?: number;
}

/** A route lookup's answer: the route, or the errno the kernel refused it with. */
export type RouteGetAnswer = { ok: true; route: RouteGetRoute } | { ok: false; errno: number };

function need(msg: NetlinkMessage, len: number, where: string): void {
  if (msg.body.length < len) throw new MalformedNetlinkError(`${where}: body of ${msg.body.length} bytes, need ${len}`);
}

/** The one message of an answer to a single question, or the errno it was refused with; throws MalformedNetlinkError. */
function oneMessage(answer: Buffer, type: number, where: string): { ok: true; msg: NetlinkMessage } | { ok: false; errno: number } {
  let messages: NetlinkMessage[];
  try {
    messages = splitMessages(answer, where);
  } catch (err) {
    if (err instanceof NetlinkError) return { ok: false, errno: err.errno };
    throw err;
  }
  const msg = messages.find((m) => m.type === type);
  if (msg === undefined) throw new MalformedNetlinkError(`${where}: no message of type ${type} in the answer`);
  return { ok: true, msg };
}

/** Decodes one RTM_NEWROUTE message (of a lookup or a FIB match). */
export function decodeRouteGetMessage(msg: NetlinkMessage, where: string): RouteGetRoute {
  if (msg.type !== RTM.NEWROUTE) throw new MalformedNetlinkError(`${where}: expected RTM_NEWROUTE, got type ${msg.type}`);
  need(msg, RTMSG_LEN, where);
  const buf = msg.body;
  const family = familyOf(buf[0] ?? 0);
  if (family === undefined) throw new MalformedNetlinkError(`${where}: route of family ${buf[0] ?? 0}`);
  const type = buf[7] ?? 0;
  const protocol = buf[5] ?? 0;
  const scope = buf[6] ?? 0;
  const flags = buf.readUInt32LE(8);
  const dstLen = buf[1] ?? 0;
  const bits = family === "inet" ? 32 : 128;
  const route: RouteGetRoute = {
    family,
    type: RTN_TYPES[type] ?? String(type),
    table: buf[4] ?? 0,
    protocol: RTPROT[protocol] ?? String(protocol),
    scope: RT_SCOPES[scope] ?? String(scope),
    destination: "default",
    isMultipath: false,
    flags,
    isRedirect: (flags & RTCF_DOREDIRECT) !== 0,
  };
  forEachAttribute(buf, RTMSG_LEN, buf.length, where, (attr, a, b) => {
    switch (attr) {
      case RTA_TRACE.TABLE:
        route.table = u32At(buf, a, b) ?? route.table;
        break;
      case RTA_TRACE.DST: {
        const address = formatIpAt(buf, a, b) ?? "?";
        route.destination = dstLen === bits ? address : `${address}/${dstLen}`;
        break;
      }
      case RTA_TRACE.SRC:
        route.source = formatIpAt(buf, a, b);
        break;
      case RTA_TRACE.GATEWAY:
        route.gateway = formatIpAt(buf, a, b);
        break;
      case RTA_TRACE.VIA:
        // struct rtvia: family (u16), then the address.
        if (b - a > 2) route.gateway = formatIpAt(buf, a + 2, b);
        break;
      case RTA_TRACE.OIF:
        route.outIfindex = u32At(buf, a, b);
        break;
      case RTA_TRACE.IIF:
        route.inIfindex = u32At(buf, a, b);
        break;
      case RTA_TRACE.PREFSRC:
        route.preferredSource = formatIpAt(buf, a, b);
        break;
      case RTA_TRACE.PRIORITY:
        route.priority = u32At(buf, a, b);
        break;
      case RTA_TRACE.MULTIPATH:
        route.isMultipath = true;
        break;
      case RTA_TRACE.METRICS:
        forEachAttribute(buf, a, b, `${where} metrics`, (metric, c, d) => {
          if (metric === RTAX_MTU) route.mtu = u32At(buf, c, d);
        });
        break;
      case RTA_TRACE.CACHEINFO:
        if (b - a >= RTA_CACHEINFO_ERROR_OFFSET + 4) {
          const error = buf.readInt32LE(a + RTA_CACHEINFO_ERROR_OFFSET);
          if (error !== 0) route.cacheError = Math.abs(error);
        }
        break;
    }
  });
  return route;
}

/** The answer to routeGetRequest: the route, or the kernel's errno (ENETUNREACH, EHOSTUNREACH, EACCES, EINVAL, ...). */
export function decodeRouteGetAnswer(answer: Buffer, where: string): RouteGetAnswer {
  const one = oneMessage(answer, RTM.NEWROUTE, where);
  return one.ok ? { ok: true, route: decodeRouteGetMessage(one.msg, where) } : one;
}

/** Neighbour states by bit, in the words `ip neigh` uses. */
const NUD_NAMES: Array<[number, string]> = [
  [NUD.INCOMPLETE, "INCOMPLETE"],
  [NUD.REACHABLE, "REACHABLE"],
  [NUD.STALE, "STALE"],
  [NUD.DELAY, "DELAY"],
  [NUD.PROBE, "PROBE"],
  [NUD.FAILED, "FAILED"],
  [NUD.NOARP, "NOARP"],
  [NUD.PERMANENT, "PERMANENT"],
];

export function neighbourStateNames(state: number): string[] {
  const names = NUD_NAMES.filter(([bit]) => (state & bit) !== 0).map(([, name]) => name);
  return names.length === 0 ? ["NONE"] : names;
}

/** One neighbour table entry (`ip neigh`), or one bridge FDB entry (`bridge fdb`, family AF_BRIDGE). */
export interface NeighbourEntry {
  family: "inet" | "inet6" | "bridge";
  ifindex: number;
  /** ndm_state bits (NUD_*), and their names. */
  state: number;
  stateNames: string[];
  /** ndm_flags (NTF_*). */
  flags: number;
  /** NDA_DST: the neighbour's IP address; for a vxlan FDB entry, the remote VTEP. */
  address?: string;
  /** NDA_LLADDR: its hardware address. */
  mac?: string;
  /** NDA_MASTER: the bridge an FDB entry belongs to. */
  masterIfindex?: number;
  vlan?: number;
  /** NDA_VNI of a vxlan FDB entry. */
  vni?: number;
  /** NDA_PROBES: how many probes went unanswered. */
  probes?: number;
}

/** Whether an entry is one the kernel cannot use to send: resolution failed, or is still waiting for an answer. */
export const isUnresolved = (entry: Pick<NeighbourEntry, "state">): boolean => (entry.state & (NUD.FAILED | NUD.INCOMPLETE)) !== 0;

/** A bridge FDB entry for one of the bridge's own addresses: frames to it go up to the bridge's namespace. */
export const isLocalFdbEntry = (entry: Pick<NeighbourEntry, "state">): boolean => (entry.state & NUD.PERMANENT) !== 0;

export function decodeNeighbourMessage(msg: NetlinkMessage, where: string): NeighbourEntry | undefined {
  if (msg.type !== RTM_TRACE.NEWNEIGH) return undefined;
  need(msg, NDMSG_LEN, where);
  const buf = msg.body;
  const af = buf[0] ?? 0;
  const family = af === AF_BRIDGE ? "bridge" : familyOf(af);
  if (family === undefined) return undefined;
  const state = buf.readUInt16LE(8);
  const entry: NeighbourEntry = { family, ifindex: buf.readInt32LE(4), state, stateNames: neighbourStateNames(state), flags: buf[10] ?? 0 };
  forEachAttribute(buf, NDMSG_LEN, buf.length, where, (attr, a, b) => {
    switch (attr) {
      case NDA.DST:
        entry.address = formatIpAt(buf, a, b);
        break;
      case NDA.LLADDR:
        entry.mac = formatMacAt(buf, a, b);
        break;
      case NDA.MASTER:
        entry.masterIfindex = u32At(buf, a, b);
        break;
      case NDA.VLAN:
        if (b - a >= 2) entry.vlan = buf.readUInt16LE(a);
        break;
      case NDA.VNI:
        entry.vni = u32At(buf, a, b);
        break;
      case NDA.PROBES:
        entry.probes = u32At(buf, a, b);
        break;
    }
  });
  return entry;
}

/** The answer to neighbourGetRequest: the entry, or undefined when the table has none (ENOENT); other refusals throw NetlinkError. */
export function decodeNeighbourAnswer(answer: Buffer, where: string): NeighbourEntry | undefined {
  const one = oneMessage(answer, RTM_TRACE.NEWNEIGH, where);
  if (!one.ok) {
    if (one.errno === ROUTE_ERRNO.ENOENT) return undefined;
    throw new NetlinkError(one.errno, where);
  }
  return decodeNeighbourMessage(one.msg, where);
}

/** The answer to fdbDumpRequest: the bridge FDB entries (those a bridge owns carry masterIfindex, or the MASTER flag). */
export function decodeFdbDump(answer: Buffer, where: string): NeighbourEntry[] {
  return splitMessages(answer, where).flatMap((msg) => {
    const entry = decodeNeighbourMessage(msg, where);
    return entry === undefined || entry.family !== "bridge" ? [] : [entry];
  });
}

/** The FDB entries of bridge `bridgeIfindex` (entries on its ports name it as master; its own addresses sit on the bridge itself). */
export function bridgeEntries(fdb: NeighbourEntry[], bridgeIfindex: number): NeighbourEntry[] {
  return fdb.filter((e) => e.masterIfindex === bridgeIfindex || (e.ifindex === bridgeIfindex && (e.flags & NTF.SELF) === 0));
}

/** One interface's IP settings (RTM_NEWNETCONF). */
export interface Netconf {
  ifindex: number;
  /** net.ipv4.conf.IF.forwarding / net.ipv6.conf.IF.forwarding. */
  isForwarding?: boolean;
  /** net.ipv4.conf.IF.rp_filter: 0 off, 1 strict, 2 loose (IPv4 only). */
  rpFilter?: number;
  ignoresRoutesWithLinkdown?: boolean;
}

/** The answer to netconfGetRequest; throws NetlinkError when refused (ENODEV: no such interface). */
export function decodeNetconfAnswer(answer: Buffer, where: string): Netconf {
  const one = oneMessage(answer, RTM_TRACE.NEWNETCONF, where);
  if (!one.ok) throw new NetlinkError(one.errno, where);
  const buf = one.msg.body;
  if (buf.length < NETCONFMSG_LEN) throw new MalformedNetlinkError(`${where}: short netconf message`);
  const conf: Netconf = { ifindex: 0 };
  const s32 = (a: number, b: number) => (b - a >= 4 ? buf.readInt32LE(a) : undefined);
  forEachAttribute(buf, NETCONFMSG_LEN, buf.length, where, (attr, a, b) => {
    const value = s32(a, b);
    if (value === undefined) return;
    if (attr === NETCONFA.IFINDEX) conf.ifindex = value;
    else if (attr === NETCONFA.FORWARDING) conf.isForwarding = value !== 0;
    else if (attr === NETCONFA.RP_FILTER) conf.rpFilter = value;
    else if (attr === NETCONFA.IGNORE_ROUTES_WITH_LINKDOWN) conf.ignoresRoutesWithLinkdown = value !== 0;
  });
  return conf;
}

/** The answer to linkGetRequest: the interface, or undefined when it is gone (ENODEV); other refusals throw NetlinkError. */
export function decodeLinkAnswer(answer: Buffer, where: string): RawLink | undefined {
  const one = oneMessage(answer, RTM.NEWLINK, where);
  if (!one.ok) {
    if (one.errno === ROUTE_ERRNO.ENODEV) return undefined;
    throw new NetlinkError(one.errno, where);
  }
  return decodeLink(bodyOf(one.msg), where);
}
