/**
 * The rtnetlink numbers a path trace needs beyond those of the snapshot (netlink-constants.ts), as
 * printed from this machine's kernel uapi headers (linux/rtnetlink.h, neighbour.h, netconf.h,
 * asm-generic/errno.h) with a small C program on kernel 6.18.
 */

/** Message types: RTM_NEWNEIGH/GETNEIGH (neighbours, and with AF_BRIDGE the bridge FDB), RTM_NEWNETCONF/GETNETCONF. */
export const RTM_TRACE = { NEWNEIGH: 28, GETNEIGH: 30, NEWNETCONF: 80, GETNETCONF: 82 } as const;

/** Route attributes (enum rtattr_type_t); the flow attributes IP_PROTO/SPORT/DPORT arrived in Linux 4.17. */
export const RTA_TRACE = {
  DST: 1,
  SRC: 2,
  IIF: 3,
  OIF: 4,
  GATEWAY: 5,
  PRIORITY: 6,
  PREFSRC: 7,
  METRICS: 8,
  MULTIPATH: 9,
  CACHEINFO: 12,
  TABLE: 15,
  VIA: 18,
  UID: 25,
  IP_PROTO: 27,
  SPORT: 28,
  DPORT: 29,
} as const;

/** rtm_flags of a RTM_GETROUTE request: report the table the route came from; answer with the FIB entry that matched. */
export const RTM_F = { LOOKUP_TABLE: 0x1000, FIB_MATCH: 0x2000 } as const;
/** Cache flags (linux/in_route.h) the kernel puts in the answer's rtm_flags: the route sends back out the interface it came in by. */
export const RTCF_DOREDIRECT = 0x01000000;
/** RTA_METRICS nests RTAX_* attributes; RTAX_MTU is the route's own MTU (`ip route ... mtu N`). */
export const RTAX_MTU = 2;
/** struct rta_cacheinfo: eight u32 (clntref, lastuse, expires, error, used, id, ts, tsage); `error` at this offset. */
export const RTA_CACHEINFO_ERROR_OFFSET = 12;

/** Neighbour attributes (linux/neighbour.h). */
export const NDA = { DST: 1, LLADDR: 2, CACHEINFO: 3, PROBES: 4, VLAN: 5, PORT: 6, VNI: 7, IFINDEX: 8, MASTER: 9 } as const;
/** struct ndmsg: family (u8), pad (u8, u16), ifindex (s32), state (u16), flags (u8), type (u8). */
export const NDMSG_LEN = 12;
/** Neighbour states (ndm_state bits). */
export const NUD = {
  INCOMPLETE: 0x01,
  REACHABLE: 0x02,
  STALE: 0x04,
  DELAY: 0x08,
  PROBE: 0x10,
  FAILED: 0x20,
  NOARP: 0x40,
  PERMANENT: 0x80,
} as const;
/** ndm_flags bits: the entry is the bridge's (master) or the device's own (self). */
export const NTF = { SELF: 0x02, MASTER: 0x04, EXT_LEARNED: 0x10 } as const;

/** struct netconfmsg is one byte (the family), padded to the 4-byte netlink alignment. */
export const NETCONFMSG_LEN = 4;
/** Netconf attributes (linux/netconf.h). */
export const NETCONFA = { IFINDEX: 1, FORWARDING: 2, RP_FILTER: 3, PROXY_NEIGH: 5, IGNORE_ROUTES_WITH_LINKDOWN: 6 } as const;

/** AF_BRIDGE: the family of bridge FDB entries in RTM_GETNEIGH. */
export const AF_BRIDGE = 7;

/** IP protocol numbers (RTA_IP_PROTO). */
export const IPPROTO = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

/**
 * The errnos a route lookup answers with (asm-generic/errno-base.h, errno.h). The kernel turns a route's
 * type into them (fib_props in net/ipv4/fib_semantics.c, ip6_rt_type_to_error for IPv6): blackhole →
 * EINVAL, unreachable → EHOSTUNREACH, prohibit → EACCES, no route at all → ENETUNREACH; a packet that
 * arrives on an interface that does not forward gets EHOSTUNREACH; a source the reverse-path filter
 * rejects, EXDEV.
 */
export const ROUTE_ERRNO = { ENOENT: 2, EACCES: 13, EXDEV: 18, ENODEV: 19, EINVAL: 22, ENETUNREACH: 101, EHOSTUNREACH: 113 } as const;
