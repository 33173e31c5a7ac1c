/**
 * Follows one packet from a namespace to an address across the node, asking the kernel's own routing
 * at every namespace on the way (TraceKernel: RTM_GETROUTE like `ip route get`, with the flow's
 * protocol and ports, and after the first hop as if it arrived on the interface it came in by) and
 * the snapshot for the wiring between namespaces (veth peers, bridge ports). Nothing here routes by
 * itself: every routing decision, neighbour state and bridge FDB entry is the kernel's answer.
 *
 * One step at a time:
 * - route (a namespace decides): `local` → delivered; a refusal → its verdict (no-route, blackhole,
 *   unreachable, prohibit, no-forward, rp-filter); a unicast route → the out interface and next hop,
 *   whose neighbour entry must not be FAILED/INCOMPLETE; then what that interface leads to:
 * - a veth → its peer: a bridge port (a bridge step there) or a namespace's interface (a route step,
 *   input interface = the peer); a bridge → a bridge step; vxlan, a physical device, a macvlan or a
 *   tunnel → the packet leaves the node;
 * - bridge (a bridge forwards the frame): its FDB entry for the next hop's MAC names the port (or the
 *   bridge itself: a route step in its namespace), and that port leads on as above.
 * On the way: an interface down → link-down, a smaller MTU than the source's → mtu when the packet
 * would otherwise arrive, the same (namespace, input interface) twice → loop.
 */
import { ifaceName, netnsLabel } from "../contract/display";
import type { IfaceRef, Interface, Netns, Snapshot } from "../contract/snapshot";
import { TRACE_MAX_HOPS, type TraceExit, type TraceHop, type TraceQuery, type TraceResult, type TraceVerdict } from "../contract/trace";
import { formatIp } from "../collect/ip-format";
import { MalformedNetlinkError, NetlinkError } from "../collect/netlink-parser";
import { ipBytes, type IpFamily, type RouteGetQuery } from "../collect/netlink-requests";
import { IPPROTO, NUD, ROUTE_ERRNO } from "../collect/route-get-constants";
import { bridgeEntries, isLocalFdbEntry, isUnresolved, type NeighbourEntry, type RouteGetRoute } from "../collect/route-get-decode";
import type { RawLink } from "../collect/rtnl-decode";
import type { HopLookup, TraceKernel } from "./trace-kernel";

export interface TraceOptions {
  maxHops?: number;
  /** The node that owns a remote address (a vxlan VTEP, an uplink's next hop), when known: the hook for a hub that knows every node. */
  nodeOf?: (address: string) => string | undefined;
  now?: () => Date;
}

/** A namespace could not be asked (gone, unreadable): the trace ends `unknown` saying so. */
export class TraceReadError extends Error {
  override readonly name = "TraceReadError";
}

/** Interfaces that hand the packet to something outside the node. */
const TUNNEL_KINDS = new Set(["tun", "tap", "wireguard", "gre", "gretap", "ip6gre", "ip6gretap", "ipip", "sit", "ip6tnl", "geneve", "vti", "vti6", "xfrm"]);
const MACVLAN_KINDS = new Set(["macvlan", "macvtap", "ipvlan", "ipvtap"]);
/** Masters whose ports are routed in their own namespace (an L3 domain), not bridged. */
const L3_MASTERS = new Set(["vrf"]);
const NO_CARRIER = new Set(["down", "lowerlayerdown", "notpresent"]);

type Step =
  { kind: "route"; netnsId: string; in?: Interface } | { kind: "bridge"; netnsId: string; bridge: Interface; in?: Interface; nextHop: string; mac?: string };

interface End {
  kind: "end";
  verdict: TraceVerdict;
  detail: string;
  exit?: TraceExit;
}

const end = (verdict: TraceVerdict, detail: string, exit?: TraceExit): End => ({ kind: "end", verdict, detail, ...(exit ? { exit } : {}) });

const TABLES: Record<number, string> = { 253: "default", 254: "main", 255: "local" };

/** How an FDB entry came to be, as `bridge fdb` says it: static (added by hand), or learned from traffic. */
const fdbKind = (entry: NeighbourEntry): string => ((entry.state & NUD.NOARP) !== 0 ? "static" : "learned");

/** The kernel's answer in `ip route` words. */
export function routeText(r: RouteGetRoute, netns: Pick<Netns, "interfaces"> | undefined): string {
  const parts = [r.type === "unicast" ? "" : r.type, r.destination];
  if (r.gateway !== undefined) parts.push(`via ${r.gateway}`);
  if (r.outIfindex !== undefined) parts.push(`dev ${ifaceName(netns, r.outIfindex)}`);
  parts.push(`table ${TABLES[r.table] ?? String(r.table)}`);
  if (r.protocol !== "unspec") parts.push(`proto ${r.protocol}`);
  if (r.scope !== "universe") parts.push(`scope ${r.scope}`);
  if (r.preferredSource !== undefined) parts.push(`src ${r.preferredSource}`);
  if (r.priority !== undefined) parts.push(`metric ${r.priority}`);
  if (r.mtu !== undefined) parts.push(`mtu ${r.mtu}`);
  return parts.filter((p) => p !== "").join(" ");
}

const ERRNO_WORDS: Record<number, string> = {
  [ROUTE_ERRNO.ENETUNREACH]: "no route (ENETUNREACH)",
  [ROUTE_ERRNO.EHOSTUNREACH]: "unreachable (EHOSTUNREACH)",
  [ROUTE_ERRNO.EACCES]: "prohibit (EACCES)",
  [ROUTE_ERRNO.EINVAL]: "blackhole (EINVAL)",
  [ROUTE_ERRNO.EXDEV]: "source rejected (EXDEV)",
};

/** The address in the canonical form the snapshot uses (RFC 5952 for IPv6). */
function canonical(address: string): string {
  const bytes = ipBytes(address);
  return (bytes && formatIp(bytes)) ?? address;
}

function hasAddress(netns: Pick<Netns, "interfaces">, address: string): boolean {
  return netns.interfaces.some((i) => i.addresses.some((a) => a.address === address));
}

class Tracer {
  private readonly byId: Map<string, Netns>;
  /** veth ends by the end that names them as its peer: a veth whose own pairing the snapshot left open is still followed from the other side. */
  private readonly namedAsPeerBy = new Map<string, IfaceRef>();
  private readonly hops: TraceHop[] = [];
  private readonly seen = new Map<string, number>();
  private readonly warnings: string[] = [];
  private readonly links = new Map<string, Promise<RawLink | undefined>>();
  private readonly family: IpFamily;
  private readonly to: string;
  private source: string | undefined;
  private sourceMtu: number | undefined;
  private mtuLimit: { mtu: number; text: string } | undefined;

  constructor(
    private readonly query: TraceQuery,
    private readonly snapshot: Snapshot,
    private readonly kernel: TraceKernel,
    private readonly options: TraceOptions,
  ) {
    this.byId = new Map(snapshot.netns.map((n) => [n.id, n]));
    for (const n of snapshot.netns) {
      for (const i of n.interfaces)
        if (i.peer !== undefined) this.namedAsPeerBy.set(`${i.peer.netnsId}/${i.peer.ifindex}`, { netnsId: n.id, ifindex: i.ifindex });
    }
    this.to = canonical(query.to);
    this.family = this.to.includes(":") ? "inet6" : "inet";
  }

  async run(): Promise<TraceResult> {
    const maxHops = this.options.maxHops ?? TRACE_MAX_HOPS;
    let next: Step | End = { kind: "route", netnsId: this.query.from };
    while (next.kind !== "end") {
      if (this.hops.length >= maxHops) {
        next = end("too-many-hops", `no end after ${maxHops} hops`);
        break;
      }
      const step: Step = next;
      try {
        next = step.kind === "route" ? await this.route(step) : await this.bridge(step);
      } catch (err) {
        if (!(err instanceof TraceReadError || err instanceof NetlinkError || err instanceof MalformedNetlinkError)) throw err;
        next = end("unknown", `the kernel in ${this.label(step.netnsId)} could not be asked: ${err.message}`);
      }
    }
    return this.result(next);
  }

  private result(last: End): TraceResult {
    let { verdict, detail } = last;
    if (this.mtuLimit !== undefined) {
      if (verdict === "delivered" || verdict === "leaves-node") {
        detail = `${detail}; but only in packets of at most ${this.mtuLimit.mtu} bytes: ${this.mtuLimit.text}`;
        verdict = "mtu";
      } else this.warnings.push(this.mtuLimit.text);
    }
    const q = this.query;
    return {
      query: {
        from: q.from,
        to: this.to,
        ...(q.proto ? { proto: q.proto } : {}),
        ...(q.sport ? { sport: q.sport } : {}),
        ...(q.dport ? { dport: q.dport } : {}),
      },
      verdict,
      hops: this.hops,
      detail,
      ...(this.source === undefined ? {} : { source: this.source }),
      ...(last.exit ? { exit: last.exit } : {}),
      warnings: this.warnings,
      netfilter: "not evaluated",
      snapshotId: this.snapshot.id,
      tracedAt: (this.options.now?.() ?? new Date()).toISOString(),
    };
  }

  private label(netnsId: string): string {
    const netns = this.byId.get(netnsId);
    return netns === undefined ? `netns ${netnsId}` : netnsLabel(netns);
  }

  private iface(netns: Netns, ifindex: number): Interface | undefined {
    return netns.interfaces.find((i) => i.ifindex === ifindex);
  }

  /**
   * A veth's other end: its own `peer`, else the end that names it as its peer, else asked of the kernel
   * (the veth's IFLA_LINK_NETNSID, and this namespace's nsid for each namespace with a veth at its IFLA_LINK).
   */
  private async peerOf(netnsId: string, veth: Interface): Promise<IfaceRef | undefined> {
    const known = veth.peer ?? this.namedAsPeerBy.get(`${netnsId}/${veth.ifindex}`);
    if (known !== undefined) return known;
    const live = await this.link(netnsId, veth.ifindex);
    if (live?.linkIfindex === undefined) return undefined;
    const farIfindex = live.linkIfindex;
    if (live.linkNetnsid === undefined || live.linkNetnsid < 0) return { netnsId, ifindex: farIfindex };
    const candidates = this.snapshot.netns
      .filter((n) => n.id !== netnsId && n.interfaces.some((i) => i.ifindex === farIfindex && i.kind === "veth"))
      .map((n) => n.id);
    if (candidates.length === 0) return undefined;
    const nsids = await this.kernel.nsids(netnsId, candidates);
    const match = candidates.find((id) => nsids.get(id) === live.linkNetnsid);
    return match === undefined ? undefined : { netnsId: match, ifindex: farIfindex };
  }

  /** One interface as the kernel has it now (asked once per trace). */
  private link(netnsId: string, ifindex: number): Promise<RawLink | undefined> {
    const key = `${netnsId}/${ifindex}`;
    let link = this.links.get(key);
    if (link === undefined) {
      link = this.kernel.link(netnsId, ifindex);
      this.links.set(key, link);
    }
    return link;
  }

  /** Pushes a hop, or ends with `loop` when the packet was here before by the same way in. */
  private enter(key: string, hop: TraceHop): End | undefined {
    const before = this.seen.get(key);
    if (before !== undefined) {
      const cycle = this.hops.slice(before).map((h) => h.label);
      this.hops.push({ ...hop, route: `back where hop ${before + 1} was`, notes: [] });
      return end("loop", `the packet comes back to ${hop.label}${hop.in ? ` by ${hop.in}` : ""}: ${[...cycle, hop.label].join(" → ")}`);
    }
    this.seen.set(key, this.hops.length);
    this.hops.push(hop);
    return undefined;
  }

  /** link-down when the interface is down or has no carrier; notes and remembers an MTU below the source's. */
  private async checkLink(netns: Netns, iface: Interface, hop: TraceHop): Promise<End | undefined> {
    const live = await this.link(netns.id, iface.ifindex);
    const where = `${iface.name} in ${netnsLabel(netns)}`;
    if (live === undefined) return end("unknown", `${where} is gone`);
    if (!live.isUp) return end("link-down", `${where} is administratively down`);
    if (NO_CARRIER.has(live.operState)) {
      const why = iface.kind === "veth" ? ": its far end is down" : iface.kind === "bridge" ? ": none of its ports is up" : "";
      return end("link-down", `${where} has no carrier (operstate ${live.operState})${why}`);
    }
    if (this.sourceMtu !== undefined && live.mtu < this.sourceMtu) {
      hop.notes.push(`${iface.name} MTU ${live.mtu}, smaller than the source's ${this.sourceMtu}`);
      if (this.mtuLimit === undefined || live.mtu < this.mtuLimit.mtu)
        this.mtuLimit = { mtu: live.mtu, text: `${where} has MTU ${live.mtu}, the source's is ${this.sourceMtu}` };
    }
    return undefined;
  }

  private async route(step: Extract<Step, { kind: "route" }>): Promise<Step | End> {
    const netns = this.byId.get(step.netnsId);
    if (netns === undefined) return end("unknown", `namespace ${step.netnsId} is not in the snapshot`);
    const label = netnsLabel(netns);
    const hop: TraceHop = {
      netnsId: netns.id,
      label,
      kind: "route",
      ...(step.in ? { in: step.in.name, inIfindex: step.in.ifindex } : {}),
      route: "",
      notes: [],
    };
    const loop = this.enter(`route ${netns.id} ${step.in?.ifindex ?? "start"}`, hop);
    if (loop) return loop;
    if (step.in) {
      const down = await this.checkLink(netns, step.in, hop);
      if (down) return down;
      if (this.source === undefined) return end("unknown", `the first namespace has no source address for ${this.to}`);
    }
    const q = this.query;
    const protocol =
      q.proto === undefined
        ? undefined
        : q.proto === "tcp"
          ? IPPROTO.TCP
          : q.proto === "udp"
            ? IPPROTO.UDP
            : this.family === "inet"
              ? IPPROTO.ICMP
              : IPPROTO.ICMPV6;
    const question: RouteGetQuery = {
      family: this.family,
      destination: this.to,
      ...(step.in ? { source: this.source, iifIndex: step.in.ifindex } : {}),
      ...(protocol === undefined ? {} : { protocol }),
      ...(q.sport === undefined ? {} : { sourcePort: q.sport }),
      ...(q.dport === undefined ? {} : { destinationPort: q.dport }),
    };
    const lookup = await this.kernel.lookup(netns.id, question);
    if (!lookup.route.ok) return this.refused(lookup.route.errno, lookup, hop, netns, step.in);
    const r = lookup.route.route;
    hop.route = routeText(lookup.fibMatch ?? r, netns);
    if (!step.in) this.source = r.preferredSource;
    if (r.type === "local") return end("delivered", `delivered in ${label}: ${this.to} is its own address`);
    if (r.type === "blackhole" || r.type === "unreachable" || r.type === "prohibit") {
      return end(r.type, `a ${r.type} route in ${label} covers ${this.to}: ${hop.route}`);
    }
    if (r.type !== "unicast") return end("unknown", `${label} routes ${this.to} as ${r.type}; nsatlas follows unicast routes only`);
    if (step.in && lookup.isInForwarding === false) return this.noForward(hop, label, step.in);
    if (r.outIfindex === undefined) return end("unknown", `the route in ${label} names no interface: ${hop.route}`);
    const out = this.iface(netns, r.outIfindex);
    if (out === undefined) return end("unknown", `interface ${r.outIfindex} of ${label} is not in the snapshot (added since?)`);
    Object.assign(hop, { out: out.name, outIfindex: out.ifindex }, r.gateway === undefined ? {} : { via: r.gateway });
    if (r.isRedirect) hop.notes.push(`the route sends the packet back out ${out.name}, the way it came in (the kernel would send an ICMP redirect)`);
    if (!step.in) {
      const live = await this.link(netns.id, out.ifindex);
      this.sourceMtu = r.mtu ?? live?.mtu;
      if (this.source === undefined) hop.notes.push("the route picks no source address");
    }
    const down = await this.checkLink(netns, out, hop);
    if (down) return down;
    return this.leave(netns, out, r.gateway ?? this.to, hop);
  }

  private noForward(hop: TraceHop, label: string, iif: Interface): End {
    hop.route = `not forwarded (forwarding off on ${iif.name})`;
    const sysctl = this.family === "inet" ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding";
    return end("no-forward", `${label} does not forward: forwarding is off on ${iif.name} (${sysctl} = 0), and ${this.to} is not its own address`);
  }

  /** A lookup the kernel refused: the errno is the verdict. */
  private refused(errno: number, lookup: HopLookup, hop: TraceHop, netns: Netns, iif: Interface | undefined): End {
    const label = netnsLabel(netns);
    hop.route = ERRNO_WORDS[errno] ?? `refused (errno ${errno})`;
    const cameIn = iif ? ` (it came in by ${iif.name})` : "";
    switch (errno) {
      case ROUTE_ERRNO.ENETUNREACH:
        return end("no-route", `${label} has no route to ${this.to}${cameIn}`);
      case ROUTE_ERRNO.EHOSTUNREACH:
        if (iif && lookup.isInForwarding === false) return this.noForward(hop, label, iif);
        return end("unreachable", `an unreachable route in ${label} covers ${this.to}: the sender gets ICMP host unreachable`);
      case ROUTE_ERRNO.EACCES:
        return end("prohibit", `a prohibit route in ${label} covers ${this.to}: the sender gets ICMP administratively prohibited`);
      case ROUTE_ERRNO.EINVAL:
        if (iif && lookup.asSent?.ok) {
          hop.route = "source rejected (EINVAL)";
          return end("rp-filter", `${label} rejects packets from ${this.source ?? "?"} coming in by ${iif.name} (a martian source)`);
        }
        return end("blackhole", `a blackhole route in ${label} covers ${this.to}: the packet is dropped silently`);
      case ROUTE_ERRNO.EXDEV:
        return end("rp-filter", `the reverse-path filter (rp_filter) in ${label} drops packets from ${this.source ?? "?"} coming in by ${iif?.name ?? "?"}`);
      default:
        return end("unknown", `the kernel in ${label} refused the lookup with errno ${errno}`);
    }
  }

  /** Where the out interface leads, once the next hop's neighbour entry is known to be usable. */
  private async leave(netns: Netns, out: Interface, nextHop: string, hop: TraceHop): Promise<Step | End> {
    const label = netnsLabel(netns);
    let mac: string | undefined;
    if (out.mac !== undefined && out.kind !== "loopback") {
      const entry = await this.kernel.neighbour(netns.id, this.family, out.ifindex, nextHop);
      if (entry !== undefined && isUnresolved(entry)) {
        const states = entry.stateNames.join(",");
        hop.notes.push(`neighbour ${nextHop}: ${states}`);
        return end("no-neighbour", `${nextHop} does not answer on ${out.name} in ${label}: its neighbour entry is ${states}`);
      }
      if (entry?.mac !== undefined) {
        mac = entry.mac;
        hop.notes.push(`neighbour ${nextHop} is ${mac} (${entry.stateNames.join(",")})`);
      } else hop.notes.push(`no neighbour entry for ${nextHop} yet (the first packet makes the kernel ask)`);
    }
    if (out.kind === "veth") return this.acrossVeth(netns, out, nextHop, mac);
    if (out.kind === "bridge") return { kind: "bridge", netnsId: netns.id, bridge: out, nextHop, ...(mac ? { mac } : {}) };
    return this.exit(netns, out, nextHop, mac);
  }

  /** The packet leaves the node through `out` (or nsatlas cannot follow `out`'s kind). */
  private async exit(netns: Netns, out: Interface, nextHop: string, mac: string | undefined): Promise<End> {
    const label = netnsLabel(netns);
    const node = (address: string | undefined) => {
      const name = address === undefined ? undefined : this.options.nodeOf?.(address);
      return name === undefined ? {} : { node: name };
    };
    if (out.kind === "vxlan") {
      const own = (await this.kernel.fdb(netns.id)).filter((e) => e.ifindex === out.ifindex && e.masterIfindex === undefined);
      const exact = mac === undefined ? undefined : own.find((e) => e.mac === mac)?.address;
      const flood = [...new Set(own.flatMap((e) => (e.mac === "00:00:00:00:00:00" && e.address !== undefined ? [e.address] : [])))];
      const vni = out.vxlan?.id;
      const through = `vxlan ${out.name}${vni === undefined ? "" : ` (VNI ${vni})`} in ${label}`;
      const base = { kind: "vxlan" as const, netnsId: netns.id, interface: out.name, ...(vni === undefined ? {} : { vni }) };
      if (exact === undefined && flood.length > 1) {
        // No entry for this MAC: the frame is copied to every VTEP of the all-zero entries, and only the node holding
        // the destination answers. Which one that is, the node cannot tell; a hub can (exit.remote then).
        return end("leaves-node", `leaves the node through ${through}, flooded to VTEPs ${flood.join(", ")} (no FDB entry for ${mac ?? nextHop})`, {
          ...base,
          floodedTo: flood,
        });
      }
      const remote = exact ?? flood[0] ?? out.vxlan?.remote;
      if (remote === undefined) return end("unknown", `vxlan ${out.name} in ${label} has no FDB entry for ${mac ?? nextHop} and no default remote`);
      const exit: TraceExit = { ...base, remote, ...node(remote) };
      const on = exit.node === undefined ? "" : ` on node ${exit.node}`;
      return end("leaves-node", `leaves the node through ${through} to VTEP ${remote}${on}`, exit);
    }
    if (MACVLAN_KINDS.has(out.kind)) {
      const parent = out.parent === undefined ? undefined : this.byId.get(out.parent.netnsId);
      const parentName =
        out.parent === undefined
          ? "its parent"
          : `parent ${ifaceName(parent, out.parent.ifindex)}${parent && parent.id !== netns.id ? ` in ${netnsLabel(parent)}` : ""}`;
      const exit: TraceExit = { kind: "macvlan", netnsId: netns.id, interface: out.name, remote: nextHop, ...node(nextHop) };
      return end(
        "leaves-node",
        `leaves ${label} through ${out.kind} ${out.name} on ${parentName} towards ${nextHop} (to a sibling ${out.kind} on the same parent it would stay on the node: not followed)`,
        exit,
      );
    }
    if (TUNNEL_KINDS.has(out.kind)) {
      const exit: TraceExit = { kind: "tunnel", netnsId: netns.id, interface: out.name, remote: nextHop, ...node(nextHop) };
      return end("leaves-node", `handed to ${out.kind} ${out.name} in ${label} (towards ${nextHop}): what is behind it is not followed`, exit);
    }
    if (out.kind === "device") {
      const exit: TraceExit = { kind: "uplink", netnsId: netns.id, interface: out.name, remote: nextHop, ...node(nextHop) };
      return end("leaves-node", `leaves the node through ${out.name} in ${label} towards ${nextHop}`, exit);
    }
    return end("unknown", `${out.name} in ${label} is a ${out.kind} device: nsatlas does not follow that kind`);
  }

  /** Across a veth: into a bridge its peer is a port of, or into the peer's namespace. */
  private async acrossVeth(netns: Netns, out: Interface, nextHop: string, mac: string | undefined): Promise<Step | End> {
    const label = netnsLabel(netns);
    const ref = await this.peerOf(netns.id, out);
    const peerNetns = ref === undefined ? undefined : this.byId.get(ref.netnsId);
    const peer = ref === undefined || peerNetns === undefined ? undefined : this.iface(peerNetns, ref.ifindex);
    if (peerNetns === undefined || peer === undefined) return end("unknown", `the far end of veth ${out.name} in ${label} was not found in any namespace`);
    const peerLabel = netnsLabel(peerNetns);
    if (peer.masterIfindex !== undefined) {
      const master = this.iface(peerNetns, peer.masterIfindex);
      if (master?.kind === "bridge") return { kind: "bridge", netnsId: peerNetns.id, bridge: master, in: peer, nextHop, ...(mac ? { mac } : {}) };
      if (master === undefined || !L3_MASTERS.has(master.kind)) {
        return end(
          "unknown",
          `${peer.name} in ${peerLabel} is a port of ${master?.name ?? "an unknown device"} (${master?.kind ?? "?"}): nsatlas does not follow that kind`,
        );
      }
    }
    if (mac === undefined && !hasAddress(peerNetns, nextHop)) {
      return end(
        "no-neighbour",
        `no neighbour entry for ${nextHop} on ${out.name} in ${label}, and ${peerLabel}, at the far end of the veth, does not have that address`,
      );
    }
    return { kind: "route", netnsId: peerNetns.id, in: peer };
  }

  private async bridge(step: Extract<Step, { kind: "bridge" }>): Promise<Step | End> {
    const netns = this.byId.get(step.netnsId);
    if (netns === undefined) return end("unknown", `namespace ${step.netnsId} is not in the snapshot`);
    const label = netnsLabel(netns);
    const { bridge, nextHop, mac } = step;
    const hop: TraceHop = {
      netnsId: netns.id,
      label,
      kind: "bridge",
      ...(step.in ? { in: step.in.name, inIfindex: step.in.ifindex } : {}),
      route: `bridge ${bridge.name}`,
      notes: [],
    };
    const loop = this.enter(`bridge ${netns.id} ${bridge.ifindex} ${step.in?.ifindex ?? "stack"}`, hop);
    if (loop) return loop;
    if (step.in) {
      const down = (await this.checkLink(netns, step.in, hop)) ?? (await this.checkLink(netns, bridge, hop));
      if (down) return down;
    }
    let egress: Interface | "local" | undefined;
    if (mac !== undefined) {
      const entries = bridgeEntries(await this.kernel.fdb(netns.id), bridge.ifindex).filter((e) => e.mac === mac);
      const entry = entries.find(isLocalFdbEntry) ?? entries[0];
      if (entry !== undefined && isLocalFdbEntry(entry)) {
        egress = "local";
        hop.route = `bridge ${bridge.name}: FDB has ${mac} as its own`;
      } else if (entry !== undefined) {
        egress = this.iface(netns, entry.ifindex);
        hop.route = `bridge ${bridge.name}: FDB ${mac} → ${egress?.name ?? `if${entry.ifindex}`} (${fdbKind(entry)})`;
      }
    }
    if (egress === undefined) {
      egress = await this.portTowards(netns, bridge, nextHop, mac);
      if (egress === undefined) {
        if (mac !== undefined) return end("unknown", `${mac} is not in the FDB of ${bridge.name} in ${label} (it would be flooded) and no port leads to it`);
        return end("no-neighbour", `no neighbour entry for ${nextHop}, and nothing behind bridge ${bridge.name} in ${label} has that address`);
      }
      const towards = egress === "local" ? "the bridge's own namespace" : `port ${egress.name}`;
      hop.route = `bridge ${bridge.name}: ${mac ?? nextHop} → ${towards}`;
      hop.notes.push(`${mac ?? nextHop} is not in the FDB yet; ${towards} leads to it (from the snapshot)`);
    }
    if (egress === "local") return { kind: "route", netnsId: netns.id, in: bridge };
    Object.assign(hop, { out: egress.name, outIfindex: egress.ifindex });
    if (step.in && egress.ifindex === step.in.ifindex) {
      return end("unknown", `the FDB of ${bridge.name} in ${label} puts ${mac ?? nextHop} behind ${egress.name}, the port the frame came in by`);
    }
    const down = await this.checkLink(netns, egress, hop);
    if (down) return down;
    if (egress.kind === "veth") return this.acrossVeth(netns, egress, nextHop, mac);
    return this.exit(netns, egress, nextHop, mac);
  }

  /** Without an FDB answer: the bridge itself, or the port whose far end has the MAC (or else the address), from the snapshot. */
  private async portTowards(netns: Netns, bridge: Interface, nextHop: string, mac: string | undefined): Promise<Interface | "local" | undefined> {
    if (
      mac === undefined
        ? hasAddress(netns, nextHop)
        : netns.interfaces.some((i) => i.mac === mac && (i.ifindex === bridge.ifindex || i.masterIfindex === bridge.ifindex))
    )
      return "local";
    for (const port of netns.interfaces) {
      if (port.masterIfindex !== bridge.ifindex || port.kind !== "veth") continue;
      const ref = await this.peerOf(netns.id, port);
      const far = ref === undefined ? undefined : this.byId.get(ref.netnsId);
      if (ref === undefined || far === undefined) continue;
      if (mac === undefined ? hasAddress(far, nextHop) : far.interfaces.some((i) => i.ifindex === ref.ifindex && i.mac === mac)) return port;
    }
    return undefined;
  }
}

/** Traces `query` over `snapshot`'s wiring, asking `kernel` in each namespace on the way. */
export function tracePath(query: TraceQuery, snapshot: Snapshot, kernel: TraceKernel, options: TraceOptions = {}): Promise<TraceResult> {
  return new Tracer(query, snapshot, kernel, options).run();
}
