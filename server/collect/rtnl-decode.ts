import {
  IFLA,
  IFLA_INFO,
  IFLA_MACVLAN_MODE,
  IFLA_TUN_TYPE,
  IFLA_VXLAN,
  IFA,
  MACVLAN_MODES,
  NETNSA,
  OPER_STATES,
  RTA,
  RT_SCOPES,
  RTM,
  RTN_TYPES,
  RTPROT,
  RTGENMSG_LEN,
  STATS64_FIELDS,
  TUN_TYPES,
  IFADDRMSG_LEN,
  IFINFOMSG_LEN,
  RTMSG_LEN,
} from "./netlink-constants";
import { attrS32, attrString, attrU16be, attrU32, attrU8, MalformedNetlinkError, parseAttributes, type NetlinkMessage } from "./netlink-parser";
import { formatIp, formatMac } from "./ip-format";

const IFF_UP = 0x1;
const IFF_PROMISC = 0x100;
const ARPHRD_LOOPBACK = 772;

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

const familyOf = (af: number): "inet" | "inet6" | undefined => (af === 2 ? "inet" : af === 10 ? "inet6" : undefined);

function need(msg: NetlinkMessage, len: number, where: string): void {
  if (msg.body.length < len) throw new MalformedNetlinkError(`${where}: body of ${msg.body.length} bytes, need ${len}`);
}

function decodeStats(value: Buffer | undefined): LinkStats | undefined {
  if (value === undefined || value.length < STATS64_FIELDS.length * 8) return undefined;
  // Counters beyond 2^53 lose precision as numbers; they take centuries to get there.
  const u64 = (i: number) => Number(value.readBigUInt64LE(i * 8));
  return { rxPackets: u64(0), txPackets: u64(1), rxBytes: u64(2), txBytes: u64(3), rxErrors: u64(4), txErrors: u64(5), rxDropped: u64(6), txDropped: u64(7) };
}

export function decodeLink(msg: NetlinkMessage, where: string): RawLink {
  need(msg, IFINFOMSG_LEN, where);
  const type = msg.body.readUInt16LE(2);
  const ifindex = msg.body.readInt32LE(4);
  const flags = msg.body.readUInt32LE(8);
  const attrs = parseAttributes(msg.body, IFINFOMSG_LEN, where);
  const info = attrs.get(IFLA.LINKINFO);
  const infoAttrs = info === undefined ? undefined : parseAttributes(info, 0, `${where} linkinfo`);
  let kind = attrString(infoAttrs?.get(IFLA_INFO.KIND)) ?? (type === ARPHRD_LOOPBACK ? "loopback" : "device");
  const data = infoAttrs?.get(IFLA_INFO.DATA);
  const dataAttrs = data === undefined ? undefined : parseAttributes(data, 0, `${where} info data`);
  const link: RawLink = {
    ifindex,
    name: attrString(attrs.get(IFLA.IFNAME)) ?? `if${ifindex}`,
    kind,
    mac: formatMac(attrs.get(IFLA.ADDRESS)),
    mtu: attrU32(attrs.get(IFLA.MTU)) ?? 0,
    operState: OPER_STATES[attrU8(attrs.get(IFLA.OPERSTATE)) ?? 0] ?? "unknown",
    isUp: (flags & IFF_UP) !== 0,
    isPromiscuous: (flags & IFF_PROMISC) !== 0,
    masterIfindex: attrU32(attrs.get(IFLA.MASTER)),
    linkIfindex: attrU32(attrs.get(IFLA.LINK)),
    linkNetnsid: attrS32(attrs.get(IFLA.LINK_NETNSID)),
    stats: decodeStats(attrs.get(IFLA.STATS64)),
  };
  if (kind === "tun" && dataAttrs !== undefined) {
    kind = TUN_TYPES[attrU8(dataAttrs.get(IFLA_TUN_TYPE)) ?? 0] ?? "tun";
    link.kind = kind;
  }
  if (kind === "vxlan" && dataAttrs !== undefined) {
    const remote = dataAttrs.get(IFLA_VXLAN.GROUP) ?? dataAttrs.get(IFLA_VXLAN.GROUP6);
    const local = dataAttrs.get(IFLA_VXLAN.LOCAL) ?? dataAttrs.get(IFLA_VXLAN.LOCAL6);
    link.vxlan = {
      id: attrU32(dataAttrs.get(IFLA_VXLAN.ID)),
      remote: remote === undefined ? undefined : formatIp(remote),
      local: local === undefined ? undefined : formatIp(local),
      port: attrU16be(dataAttrs.get(IFLA_VXLAN.PORT)),
      underlayIfindex: attrU32(dataAttrs.get(IFLA_VXLAN.LINK)),
    };
  }
  if (kind === "macvlan" || kind === "macvtap") {
    const mode = attrU32(dataAttrs?.get(IFLA_MACVLAN_MODE));
    if (mode !== undefined) link.macvlanMode = MACVLAN_MODES[mode] ?? String(mode);
  }
  return link;
}

export function decodeAddress(msg: NetlinkMessage, where: string): RawAddress | undefined {
  need(msg, IFADDRMSG_LEN, where);
  const family = familyOf(msg.body.readUInt8(0));
  if (family === undefined) return undefined;
  const attrs = parseAttributes(msg.body, IFADDRMSG_LEN, where);
  const bytes = attrs.get(IFA.LOCAL) ?? attrs.get(IFA.ADDRESS);
  const address = bytes === undefined ? undefined : formatIp(bytes);
  if (address === undefined) return undefined;
  return {
    ifindex: msg.body.readUInt32LE(4),
    family,
    address,
    prefixLength: msg.body.readUInt8(1),
    scope: RT_SCOPES[msg.body.readUInt8(3)] ?? String(msg.body.readUInt8(3)),
  };
}

export function decodeRoute(msg: NetlinkMessage, where: string): RawRoute | undefined {
  need(msg, RTMSG_LEN, where);
  const family = familyOf(msg.body.readUInt8(0));
  if (family === undefined) return undefined;
  const attrs = parseAttributes(msg.body, RTMSG_LEN, where);
  const dstLen = msg.body.readUInt8(1);
  const dst = attrs.get(RTA.DST);
  const gateway = attrs.get(RTA.GATEWAY);
  const prefsrc = attrs.get(RTA.PREFSRC);
  const type = msg.body.readUInt8(7);
  return {
    family,
    table: attrU32(attrs.get(RTA.TABLE)) ?? msg.body.readUInt8(4),
    type: RTN_TYPES[type] ?? String(type),
    protocol: RTPROT[msg.body.readUInt8(5)] ?? String(msg.body.readUInt8(5)),
    scope: RT_SCOPES[msg.body.readUInt8(6)] ?? String(msg.body.readUInt8(6)),
    destination: dst === undefined ? "default" : `${formatIp(dst) ?? "?"}/${dstLen}`,
    gateway: gateway === undefined ? undefined : formatIp(gateway),
    outIfindex: attrU32(attrs.get(RTA.OIF)),
    preferredSource: prefsrc === undefined ? undefined : formatIp(prefsrc),
    priority: attrU32(attrs.get(RTA.PRIORITY)),
    isMultipath: attrs.has(RTA.MULTIPATH),
  };
}

/** The id in an RTM_NEWNSID answer; -1 means "no id assigned". */
export function decodeNsid(msg: NetlinkMessage, where: string): number {
  if (msg.type !== RTM.NEWNSID) throw new MalformedNetlinkError(`${where}: expected RTM_NEWNSID, got type ${msg.type}`);
  need(msg, RTGENMSG_LEN, where);
  return attrS32(parseAttributes(msg.body, RTGENMSG_LEN, where).get(NETNSA.NSID)) ?? -1;
}
