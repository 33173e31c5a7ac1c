/**
 * Path trace: where a packet from one namespace to an address goes, as the kernel's own routing in
 * each namespace on the way answers it (RTM_GETROUTE, like `ip route get`), followed across veths and
 * bridges with the snapshot's wiring. `GET /api/v1/trace` and `nsatlas trace` answer with a TraceResult.
 */
import * as z from "zod";
import { netnsIdSchema } from "./snapshot";

/** A trace stops after this many hops (verdict `too-many-hops`); a loop is normally seen long before. */
export const TRACE_MAX_HOPS = 32;

/** The transport protocol of the flow: it matters to policy routing (`ip rule ... ipproto tcp dport 443`). */
export const traceProtocolSchema = z.enum(["tcp", "udp", "icmp"]);
export type TraceProtocol = z.infer<typeof traceProtocolSchema>;

/** An IPv4 or IPv6 address, without a zone ("10.0.0.2", "fd00::2"). */
export const traceAddressSchema = z.union([z.ipv4(), z.ipv6()], { error: "an IPv4 or IPv6 address, e.g. 10.0.0.2 or fd00::2" });

/** A TCP or UDP port; query strings give text, hence the coercion. */
export const tracePortSchema = z.coerce.number().int().min(1, "a port is 1–65535").max(65535, "a port is 1–65535");

/**
 * What to trace: `GET /api/v1/trace?from=<netnsId>&to=<ip>[&proto=tcp|udp|icmp][&sport=N][&dport=N]`.
 * Ports need tcp or udp; with ports and no protocol the flow is tcp.
 */
export const traceQuerySchema = z
  .object({
    /** The namespace the packet starts in. */
    from: netnsIdSchema,
    /** Where it is sent. */
    to: traceAddressSchema,
    proto: traceProtocolSchema.optional(),
    sport: tracePortSchema.optional(),
    dport: tracePortSchema.optional(),
  })
  .refine((q) => q.proto !== "icmp" || (q.sport === undefined && q.dport === undefined), { message: "ports need proto=tcp or proto=udp", path: ["proto"] })
  .transform((q) => (q.proto === undefined && (q.sport !== undefined || q.dport !== undefined) ? { ...q, proto: "tcp" as const } : q));
export type TraceQuery = z.infer<typeof traceQuerySchema>;

/**
 * How the trace ended.
 * - `delivered`: a namespace's routing says `local`: the address is its own.
 * - `leaves-node`: the packet goes out of the node (a physical uplink, a vxlan tunnel to a remote VTEP, a macvlan's parent, a tunnel device): see `exit`.
 * - `no-route`: no route matches (the kernel answers ENETUNREACH).
 * - `blackhole`, `unreachable`, `prohibit`: a route of that type matches (EINVAL, EHOSTUNREACH, EACCES); the packet is dropped, silently or with an ICMP error.
 * - `no-forward`: the packet reaches a namespace that is not its destination and does not forward (net.ipv4.ip_forward / the interface's forwarding is 0).
 * - `rp-filter`: a namespace on the way rejects the packet's source (the reverse-path filter, or a martian source).
 * - `no-neighbour`: the next hop does not answer ARP/neighbour discovery (entry FAILED or INCOMPLETE), or nothing on the link has that address.
 * - `link-down`: an interface on the path is administratively down or has no carrier.
 * - `mtu`: the path exists (it would be delivered or leave the node), but an interface on it has a smaller MTU than the source's: larger packets are dropped or fragmented.
 * - `loop`: the packet comes back to a namespace by an interface it already came in by.
 * - `too-many-hops`: TRACE_MAX_HOPS hops without an end.
 * - `unknown`: nsatlas cannot follow further (an interface kind it does not follow, a namespace it cannot read, a far end it did not find): `detail` says which.
 */
export const traceVerdictSchema = z.enum([
  "delivered",
  "leaves-node",
  "no-route",
  "blackhole",
  "unreachable",
  "prohibit",
  "no-forward",
  "rp-filter",
  "no-neighbour",
  "link-down",
  "mtu",
  "loop",
  "too-many-hops",
  "unknown",
]);
export type TraceVerdict = z.infer<typeof traceVerdictSchema>;

/** The verdicts that mean the packet gets there (or out of the node). */
export const PASSING_VERDICTS: readonly TraceVerdict[] = ["delivered", "leaves-node"];

/** One place the packet passes through: a routing decision in a namespace, or a bridge forwarding the frame. */
export const traceHopSchema = z.object({
  netnsId: netnsIdSchema,
  /** The namespace as people name it (display.ts netnsLabel): "host", its pod, container or ip netns name, or "netns <inode>". */
  label: z.string(),
  /** route: the kernel's routing in this namespace decided (RTM_GETROUTE); bridge: a bridge in it forwarded the frame (its FDB). */
  kind: z.enum(["route", "bridge"]),
  /** The interface the packet comes in by; absent in the namespace it starts in. */
  in: z.string().optional(),
  inIfindex: z.number().int().optional(),
  /** The interface it leaves by; absent where it is delivered or dropped. */
  out: z.string().optional(),
  outIfindex: z.number().int().optional(),
  /** The gateway the route names; absent when the destination is on the link (the packet goes to it directly). */
  via: z.string().optional(),
  /**
   * The kernel's answer in `ip route` words: the FIB entry that matched ("10.0.2.0/24 via 10.0.1.1 dev eth0 table main
   * src 10.0.1.2"), the refusal ("unreachable: EHOSTUNREACH"), or for a bridge what its FDB said.
   */
  route: z.string(),
  /** What else was learnt here: the next hop's neighbour entry, the FDB entry, a redirect, an interface's MTU. */
  notes: z.array(z.string()),
});
export type TraceHop = z.infer<typeof traceHopSchema>;

/** Where a `leaves-node` trace leaves the node. */
export const traceExitSchema = z.object({
  /** uplink: a physical (or otherwise unkinded) device; vxlan: a vxlan tunnel; macvlan: a macvlan/ipvlan's parent; tunnel: tun/tap, wireguard, gre, ... */
  kind: z.enum(["uplink", "vxlan", "macvlan", "tunnel"]),
  netnsId: netnsIdSchema,
  /** The interface it leaves by. */
  interface: z.string(),
  /** The next hop beyond the node: the gateway, the destination, or for vxlan the remote VTEP. */
  remote: z.string().optional(),
  /** The vxlan's VNI. */
  vni: z.number().int().optional(),
  /** The node that owns `remote`, when the agent knows (a hub that knows every node's VTEP addresses fills it in). */
  node: z.string().optional(),
  /**
   * vxlan with no FDB entry for the destination MAC: every VTEP of the all-zero entries gets a copy (head-end replication).
   * `remote` is then the one that holds the destination, when a hub knows it; else it is absent.
   */
  floodedTo: z.array(z.string()).optional(),
});
export type TraceExit = z.infer<typeof traceExitSchema>;

export const traceResultSchema = z.object({
  /** The query as understood (ports imply tcp). */
  query: z.object({
    from: netnsIdSchema,
    to: z.string(),
    proto: traceProtocolSchema.optional(),
    sport: z.number().int().optional(),
    dport: z.number().int().optional(),
  }),
  verdict: traceVerdictSchema,
  /** Every place the packet passes, in order; the last is where the verdict was reached. */
  hops: z.array(traceHopSchema),
  /** The verdict in one sentence, naming the namespace, interface or route responsible. */
  detail: z.string(),
  /** The source address the first namespace's routing picks (RTA_PREFSRC), used for the lookups after it. */
  source: z.string().optional(),
  /** For `leaves-node`: where. */
  exit: traceExitSchema.optional(),
  /** Findings that did not decide the verdict (a smaller MTU before a drop, a neighbour not yet resolved). */
  warnings: z.array(z.string()),
  /** Firewall rules (iptables/nftables) are not evaluated: a packet the routing delivers may still be filtered. */
  netfilter: z.literal("not evaluated"),
  /** The snapshot whose wiring (veth peers, bridge ports, labels) the trace followed. */
  snapshotId: z.string(),
  /** When the kernel was asked (ISO 8601). */
  tracedAt: z.string(),
});
export type TraceResult = z.infer<typeof traceResultSchema>;
