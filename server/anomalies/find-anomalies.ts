import type { Anomaly } from "../contract/anomaly";
import { ifaceState, netnsLabel } from "../contract/display";
import { LOSS_COUNTERS, MAIN_ROUTE_TABLE, type Interface, type Netns, type Snapshot } from "../contract/snapshot";
import { isSameNetns } from "../snapshot/netns-identity";
import { InterfaceIndex, type Located } from "./interface-index";
import { ifaceKey, l2Segments } from "./l2-segments";

/**
 * Everything that looks wrong in one snapshot; `previous` (an earlier snapshot of the same node)
 * adds the "drops or errors rising" check. Pure: the same input always gives the same flags.
 * It runs on every scan, over every namespace: the checks loop instead of passing callbacks made per call
 * (V8 drops the optimised code of such closures at each full GC and compiles them again on the next scan).
 */
export function findAnomalies(snapshot: Omit<Snapshot, "anomalies">, previous?: Pick<Snapshot, "netns">): Anomaly[] {
  const live: Netns[] = [];
  for (const n of snapshot.netns) if (!n.isGone) live.push(n);
  const index = new InterfaceIndex(snapshot.netns);
  return [
    ...vethPeersMissing(live),
    ...leakedNamespaces(live),
    ...duplicateAddresses(index),
    ...mtuMismatches(index),
    ...defaultRoutesDown(live),
    ...promiscuous(live),
    ...(previous === undefined ? [] : countersRising(live, new InterfaceIndex(previous.netns))),
  ];
}

type Place = Pick<Located, "netns" | "iface">;

const place = ({ netns, iface }: Place) => ({ netnsId: netns.id, ifindex: iface.ifindex, ifaceName: iface.name });
const where = ({ netns, iface }: Place) => `${iface.name} in ${netnsLabel(netns)}`;

function vethPeersMissing(netns: Netns[]): Anomaly[] {
  const found: Anomaly[] = [];
  for (const n of netns) {
    for (const iface of n.interfaces) {
      if (iface.kind !== "veth" || iface.isPeerMissing !== true) continue;
      found.push({
        kind: "veth-peer-missing",
        severity: "warning",
        places: [place({ netns: n, iface })],
        message: `${where({ netns: n, iface })} is a veth whose other end is in no namespace nsatlas can read: traffic sent into it goes nowhere.`,
      });
    }
  }
  return found;
}

/** Mount points where engines pin their sandboxes' namespaces. */
const ENGINE_MOUNT = /^(\/run\/netns\/(cni-|netns-)|\/run\/docker\/netns\/)/;

const isWorkloadOwner = (o: Netns["owners"][number]) => o.kind !== "ip-netns";

/** An engine's namespace that outlived its sandbox: only a bind mount holds it, no process, no engine claims it. */
function leakedNamespaces(netns: Netns[]): Anomaly[] {
  const found: Anomaly[] = [];
  for (const n of netns) {
    // Held by bind mounts alone (no process, no other ref), none of its owners a workload.
    if (n.isHost || n.processCount !== 0 || n.refs.length === 0 || n.owners.some(isWorkloadOwner)) continue;
    let enginePath: string | undefined;
    let isOnlyMounted = true;
    for (const r of n.refs) {
      if (r.kind !== "bind-mount") isOnlyMounted = false;
      else if (enginePath === undefined && ENGINE_MOUNT.test(r.path ?? "")) enginePath = r.path ?? "";
    }
    if (!isOnlyMounted || enginePath === undefined) continue;
    found.push({
      kind: "leaked-netns",
      severity: "warning",
      places: [{ netnsId: n.id }],
      message: `${enginePath} is held only by its bind mount: no process lives in it and no engine claims it (a sandbox the runtime failed to clean up).`,
    });
  }
  return found;
}

/** The same address on two interfaces of one L2 segment: ARP/ND answers race, traffic goes to either. */
function duplicateAddresses(index: InterfaceIndex): Anomaly[] {
  // Grouped by address first, with no key made per address; the L2 segments are worked out only when some address is
  // held more than once. `held[seq]` is the seq-th (interface, address) met, so that the flags keep the order in which
  // their first holder was met.
  const held: Located[] = [];
  const holders = new Map<string, number[]>();
  for (const at of index.all) {
    if (at.netns.isGone) continue;
    for (const a of at.iface.addresses) {
      if (a.scope === "host" || a.scope === "link") continue;
      const found = holders.get(a.address);
      if (found === undefined) holders.set(a.address, [held.length]);
      else found.push(held.length);
      held.push(at);
    }
  }
  let segmentOf: ((slot: number) => number) | undefined;
  const groups: Array<{ address: string; seqs: number[] }> = [];
  for (const [address, seqs] of holders) {
    if (seqs.length < 2) continue;
    segmentOf ??= l2Segments(index);
    const bySegment = new Map<number, number[]>();
    for (const seq of seqs) {
      const at = held[seq];
      if (at === undefined) continue;
      const segment = segmentOf(at.slot);
      const same = bySegment.get(segment);
      if (same === undefined) bySegment.set(segment, [seq]);
      else same.push(seq);
    }
    for (const same of bySegment.values()) if (same.length >= 2) groups.push({ address, seqs: same });
  }
  groups.sort((a, b) => (a.seqs[0] ?? 0) - (b.seqs[0] ?? 0));
  const flagged: Anomaly[] = [];
  for (const { address, seqs } of groups) {
    const found = seqs.flatMap((seq) => held[seq] ?? []);
    flagged.push({
      kind: "duplicate-address",
      severity: "critical",
      places: found.map(place),
      message: `${address} is on ${found.map(where).join(" and ")}, on the same L2 segment: replies go to whichever answers ARP/ND first.`,
    });
  }
  return flagged;
}

/** Two ends of a veth, or a bridge and its port, with different MTUs: large frames are dropped silently. */
function mtuMismatches(index: InterfaceIndex): Anomaly[] {
  const found: Anomaly[] = [];
  for (const here of index.all) {
    const { netns: n, iface } = here;
    if (n.isGone) continue;
    const peer = iface.peer === undefined ? undefined : index.get(iface.peer.netnsId, iface.peer.ifindex);
    // Each pair once: from the end with the smaller key.
    if (peer !== undefined && peer.iface.mtu !== iface.mtu && ifaceKey(n.id, iface.ifindex) < ifaceKey(peer.netns.id, peer.iface.ifindex)) {
      found.push(mismatch(here, peer, "the two ends of a veth"));
    }
    const bridge = iface.masterIfindex === undefined ? undefined : index.get(n.id, iface.masterIfindex);
    if (bridge !== undefined && bridge.iface.mtu !== iface.mtu) found.push(mismatch(here, bridge, `a ${bridge.iface.kind} and its port`));
  }
  return found;
}

function mismatch(a: Place, b: Place, what: string): Anomaly {
  return {
    kind: "mtu-mismatch",
    severity: "warning",
    places: [place(a), place(b)],
    message: `${where(a)} has MTU ${a.iface.mtu} but ${where(b)} has ${b.iface.mtu} (${what}): frames larger than the smaller MTU are dropped.`,
  };
}

const DOWN_STATES = new Set(["down", "lowerlayerdown", "notpresent"]);

/** A default route whose interface is gone or down: the namespace has no way out. */
function defaultRoutesDown(netns: Netns[]): Anomaly[] {
  const found: Anomaly[] = [];
  for (const n of netns) {
    for (const r of n.routes) {
      if (r.destination !== "default" || r.table !== MAIN_ROUTE_TABLE || r.type !== "unicast" || r.outIfindex === undefined) continue;
      let iface: Interface | undefined;
      for (const i of n.interfaces) if (i.ifindex === r.outIfindex) iface ??= i;
      if (iface !== undefined && iface.isUp && !DOWN_STATES.has(iface.operState)) continue;
      const via = r.gateway === undefined ? "" : ` via ${r.gateway}`;
      const state = iface === undefined ? `interface ${r.outIfindex} no longer exists` : `${iface.name} is ${ifaceState(iface)}`;
      found.push({
        kind: "default-route-down",
        severity: "critical",
        places: [{ netnsId: n.id, ...(iface === undefined ? { ifindex: r.outIfindex } : { ifindex: iface.ifindex, ifaceName: iface.name }) }],
        message: `The ${r.family === "inet" ? "IPv4" : "IPv6"} default route${via} of ${netnsLabel(n)} leaves through a dead interface: ${state}.`,
      });
    }
  }
  return found;
}

/** Set by a user (tcpdump, a sniffer left running): the kernel's own bridge-port promiscuity is not reported as IFF_PROMISC. */
function promiscuous(netns: Netns[]): Anomaly[] {
  const found: Anomaly[] = [];
  for (const n of netns) {
    for (const iface of n.interfaces) {
      if (!iface.isPromiscuous) continue;
      found.push({
        kind: "promiscuous",
        severity: "warning",
        places: [place({ netns: n, iface })],
        message: `${where({ netns: n, iface })} is in promiscuous mode: something (a capture, a sniffer) sees all traffic on it.`,
      });
    }
  }
  return found;
}

/** Drops or errors went up since the previous snapshot. The same ifindex and name identify the same interface. */
function countersRising(netns: Netns[], before: InterfaceIndex): Anomaly[] {
  const found: Anomaly[] = [];
  for (const n of netns) {
    let isSame: boolean | undefined; // asked once per namespace, only when one of its interfaces was seen before
    for (const iface of n.interfaces) {
      const old = before.get(n.id, iface.ifindex);
      if (old === undefined || old.iface.name !== iface.name || iface.stats === undefined || old.iface.stats === undefined) continue;
      isSame ??= isSameNetns(old.netns, n);
      if (!isSame) break;
      const now = iface.stats;
      const was = old.iface.stats;
      const rising = LOSS_COUNTERS.filter((c) => now[c] > was[c]);
      if (rising.length === 0) continue;
      found.push({
        kind: "counters-rising",
        severity: "critical",
        places: [place({ netns: n, iface })],
        message: `${where({ netns: n, iface })} is losing packets since the previous snapshot: ${rising.map((c) => `${c} +${now[c] - was[c]}`).join(", ")}.`,
      });
    }
  }
  return found;
}
