/**
 * rtnetlink numbers, as printed from this machine's kernel uapi headers (linux/netlink.h,
 * rtnetlink.h, if_link.h, if_addr.h, net_namespace.h, if_tun.h).
 */
export const NLMSG = { NOOP: 1, ERROR: 2, DONE: 3 } as const;
export const NLM_F = { REQUEST: 1, MULTI: 2, ACK: 4, DUMP: 0x300, DUMP_INTR: 16 } as const;
export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  NEWADDR: 20,
  GETADDR: 22,
  NEWROUTE: 24,
  GETROUTE: 26,
  NEWNSID: 88,
  GETNSID: 90,
  NEWSTATS: 92,
  GETSTATS: 94,
} as const;

export const NLMSGHDR_LEN = 16;
export const IFINFOMSG_LEN = 16;
export const IFADDRMSG_LEN = 8;
export const RTMSG_LEN = 12;
/** struct if_stats_msg: family, two pad fields, ifindex, filter_mask. */
export const IF_STATS_MSG_LEN = 12;
/** struct rtgenmsg is one byte, padded to the 4-byte netlink alignment. */
export const RTGENMSG_LEN = 4;
export const RTATTR_HDR_LEN = 4;

export const IFLA = {
  ADDRESS: 1,
  BROADCAST: 2,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  MASTER: 10,
  OPERSTATE: 16,
  LINKINFO: 18,
  IFALIAS: 20,
  STATS64: 23,
  EXT_MASK: 29,
  PROMISCUITY: 30,
  CARRIER: 33,
  LINK_NETNSID: 37,
} as const;
/** struct ifinfomsg: family (u8), pad (u8), type (u16), then the interface index (s32) at this offset, then flags. */
export const IFI_INDEX_OFFSET = 4;
export const IFI_FLAGS_OFFSET = 8;
/** ifi_flags bits (linux/if.h) and the loopback device type (linux/if_arp.h). */
export const IFF = { UP: 0x1, PROMISC: 0x100 } as const;
export const ARPHRD_LOOPBACK = 772;
export const IFLA_INFO = { KIND: 1, DATA: 2, SLAVE_KIND: 4 } as const;
export const IFLA_VXLAN = { ID: 1, GROUP: 2, LINK: 3, LOCAL: 4, PORT: 15, GROUP6: 16, LOCAL6: 17 } as const;
export const IFLA_MACVLAN_MODE = 1;
export const MACVLAN_MODES: Record<number, string> = { 1: "private", 2: "vepa", 4: "bridge", 8: "passthru", 16: "source" };
export const IFLA_TUN_TYPE = 3;
export const TUN_TYPES: Record<number, "tun" | "tap"> = { 1: "tun", 2: "tap" };
export const RTEXT_FILTER_VF = 1;
/** Leaves out per-interface IPv6 statistics (IFLA_STATS64 stays): ~20% of a link dump that nothing reads. */
export const RTEXT_FILTER_SKIP_STATS = 8;
/** RTM_GETSTATS: IFLA_STATS_LINK_64 is struct rtnl_link_stats64; filter bit = 1 << (attribute - 1). */
export const IFLA_STATS_LINK_64 = 1;

/**
 * Multicast groups whose events can change what a link, address or route dump shows: links, IPv4
 * and IPv6 addresses and routes, nexthop objects, and nsid assignments (a veth's IFLA_LINK_NETNSID).
 */
export const RTNLGRP = { LINK: 1, IPV4_IFADDR: 5, IPV4_ROUTE: 7, IPV6_IFADDR: 9, IPV6_ROUTE: 11, NSID: 28, NEXTHOP: 32 } as const;

/** sock_diag (linux/sock_diag.h, inet_diag.h): the request type, struct inet_diag_req_v2 and struct inet_diag_msg. */
export const SOCK_DIAG_BY_FAMILY = 20;
export const INET_DIAG_REQ_V2_LEN = 56;
export const INET_DIAG_MSG_LEN = 72;

export const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, FLAGS: 8 } as const;
export const RTA = { DST: 1, SRC: 2, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, MULTIPATH: 9, TABLE: 15, VIA: 18 } as const;
export const NETNSA = { NSID: 1, PID: 2, FD: 3, TARGET_NSID: 4, CURRENT_NSID: 5 } as const;

export const AF = { UNSPEC: 0, INET: 2, INET6: 10, NETLINK: 16 } as const;

/** IF_OPER_* from RFC 2863, as the kernel reports them in IFLA_OPERSTATE. */
export const OPER_STATES = ["unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"] as const;

/** Field order of struct rtnl_link_stats64 (each a u64); we keep the first eight. */
export const STATS64_FIELDS = ["rxPackets", "txPackets", "rxBytes", "txBytes", "rxErrors", "txErrors", "rxDropped", "txDropped"] as const;

export const RT_SCOPES: Record<number, string> = { 0: "universe", 200: "site", 253: "link", 254: "host", 255: "nowhere" };
export const RTN_TYPES: Record<number, string> = {
  0: "unspec",
  1: "unicast",
  2: "local",
  3: "broadcast",
  4: "anycast",
  5: "multicast",
  6: "blackhole",
  7: "unreachable",
  8: "prohibit",
  9: "throw",
  10: "nat",
};
export const RTPROT: Record<number, string> = { 0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static", 16: "dhcp", 186: "bgp", 188: "ospf" };

// The numbers the reader worker and the change signal hand to libc (asm-generic values, as on
// x86-64 and arm64: linux/netlink.h, asm-generic/socket.h, asm-generic/fcntl.h, linux/sched.h, poll.h).

/** socket(2)'s type and flags. */
export const SOCK = { RAW: 3, NONBLOCK: 0o4000, CLOEXEC: 0o2000000 } as const;
/** Netlink families: socket(2)'s protocol for AF_NETLINK. */
export const NETLINK = { ROUTE: 0, SOCK_DIAG: 4 } as const;
/** setsockopt(2) levels. */
export const SOL = { SOCKET: 1, NETLINK: 270 } as const;
/** SOL_SOCKET options. */
export const SO = { RCVBUF: 8, RCVBUFFORCE: 33, NETNS_COOKIE: 71 } as const;
/** SOL_NETLINK options (NETLINK_ADD_MEMBERSHIP, NETLINK_LISTEN_ALL_NSID); the latter also tags each event's control message. */
export const NETLINK_OPT = { ADD_MEMBERSHIP: 1, LISTEN_ALL_NSID: 8 } as const;
/** struct sockaddr_nl: family (u16), pad (u16), pid (u32), groups (u32). */
export const SOCKADDR_NL_LEN = 12;
export const MSG_DONTWAIT = 0x40;
/** open(2) flags. */
export const O = { RDONLY: 0, CLOEXEC: 0o2000000 } as const;
export const CLONE_NEWNET = 0x40000000;
/** poll(2) events. */
export const POLL = { IN: 0x1, PRI: 0x2 } as const;
