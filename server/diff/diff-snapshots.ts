import type { Change, ChangeKind, CounterDelta, Diff } from "../contract/diff";
import { cidr, ifaceName, ifaceState, listenerProcessesText, listenerText, netnsLabel, ownersText, ownerText, routeText } from "../contract/display";
import { LOSS_COUNTERS, type Interface, type Listener, type Netns, type Route, type Snapshot } from "../contract/snapshot";
import { isSameNetns } from "../snapshot/netns-identity";

type Stats = NonNullable<Interface["stats"]>;

/**
 * What changed from one snapshot to another: namespaces by id, interfaces by ifindex (a re-created
 * interface gets a new ifindex, so it reads as removed + added), addresses, routes and listeners by
 * value. Pure.
 */
export function diffSnapshots(from: Snapshot, to: Snapshot, live: { from: boolean; to: boolean } = { from: false, to: false }): Diff {
  const before = new Map(from.netns.map((n) => [n.id, n]));
  const after = new Map(to.netns.map((n) => [n.id, n]));
  const hasListeners = from.netns.every((n) => n.listeners !== undefined) && to.netns.every((n) => n.listeners !== undefined);
  const elapsedMs = Math.max(0, Date.parse(to.takenAt) - Date.parse(from.takenAt));
  const changes: Change[] = [];
  const counters: CounterDelta[] = [];

  // A reused inode (a new container got a stopped one's) is a namespace that vanished and one that appeared.
  const same = (n: Netns, other: Netns | undefined): other is Netns => other !== undefined && isSameNetns(other, n);
  for (const n of from.netns) {
    if (!same(n, after.get(n.id))) changes.push(change("netns-vanished", n, {}, `namespace ${n.id} vanished (${ownersText(n)})`));
  }
  for (const n of to.netns) {
    const old = before.get(n.id);
    if (!same(n, old)) {
      changes.push(change("netns-appeared", n, {}, `namespace ${n.id} appeared (${ownersText(n)})`));
      continue;
    }
    changes.push(...diffNetns(old, n, hasListeners));
    counters.push(...diffCounters(old, n, elapsedMs));
  }
  counters.sort((a, b) => Number(b.isLosing) - Number(a.isLosing));
  return {
    from: { id: from.id, takenAt: from.takenAt, isLive: live.from },
    to: { id: to.id, takenAt: to.takenAt, isLive: live.to },
    elapsedMs,
    changes,
    counters,
    hasListeners,
  };
}

function change(kind: ChangeKind, n: Netns, at: { iface?: Interface; before?: string; after?: string }, text: string): Change {
  return {
    kind,
    netnsId: n.id,
    netnsLabel: netnsLabel(n),
    ...(at.iface === undefined ? {} : { ifindex: at.iface.ifindex, ifaceName: at.iface.name }),
    ...(at.before === undefined ? {} : { before: at.before }),
    ...(at.after === undefined ? {} : { after: at.after }),
    text,
  };
}

/** Items of two lists keyed by text: what only the new one has, and what only the old one had. */
function setChanges<T>(old: T[], now: T[], key: (item: T) => string): { added: T[]; removed: T[] } {
  const oldKeys = new Set(old.map(key));
  const nowKeys = new Set(now.map(key));
  return { added: now.filter((i) => !oldKeys.has(key(i))), removed: old.filter((i) => !nowKeys.has(key(i))) };
}

function diffNetns(old: Netns, now: Netns, hasListeners: boolean): Change[] {
  const out: Change[] = [];
  const owners = setChanges(old.owners, now.owners, ownerText);
  for (const o of owners.added) out.push(change("owner-added", now, { after: o.name }, `${ownerText(o)} now owns namespace ${now.id}`));
  for (const o of owners.removed) out.push(change("owner-removed", now, { before: o.name }, `${ownerText(o)} no longer owns namespace ${now.id}`));

  const oldIfaces = new Map(old.interfaces.map((i) => [i.ifindex, i]));
  const nowIfaces = new Map(now.interfaces.map((i) => [i.ifindex, i]));
  for (const i of now.interfaces) {
    const was = oldIfaces.get(i.ifindex);
    if (was === undefined) out.push(change("iface-added", now, { iface: i, after: i.kind }, `${i.kind} ${i.name} added`));
    else out.push(...diffIface(now, was, i));
  }
  for (const i of old.interfaces) {
    if (!nowIfaces.has(i.ifindex)) out.push(change("iface-removed", now, { iface: i, before: i.kind }, `${i.kind} ${i.name} removed`));
  }

  // Routes compare by ifindex (a renamed interface keeps its routes) and read with the interface's name.
  const routes = setChanges(old.routes, now.routes, (r) => routeText(r, (ifindex) => `if${ifindex}`));
  const ifaceOf = (r: Route, n: Netns) => n.interfaces.find((i) => i.ifindex === r.outIfindex);
  const shown = (r: Route, n: Netns) => routeText(r, (ifindex) => ifaceName(n, ifindex));
  for (const r of routes.added) out.push(change("route-added", now, { iface: ifaceOf(r, now), after: shown(r, now) }, `route added: ${shown(r, now)}`));
  for (const r of routes.removed) out.push(change("route-removed", now, { iface: ifaceOf(r, old), before: shown(r, old) }, `route removed: ${shown(r, old)}`));

  if (hasListeners) {
    const listeners = setChanges(old.listeners ?? [], now.listeners ?? [], listenerText);
    for (const l of listeners.added) out.push(change("listener-opened", now, { after: listenerText(l) }, `listening: ${listenerText(l)}${processText(l)}`));
    for (const l of listeners.removed)
      out.push(change("listener-closed", now, { before: listenerText(l) }, `no longer listening: ${listenerText(l)}${processText(l)}`));
  }
  return out;
}

function diffIface(n: Netns, was: Interface, now: Interface): Change[] {
  const out: Change[] = [];
  if (ifaceState(was) !== ifaceState(now)) {
    out.push(change("iface-state", n, { iface: now, before: ifaceState(was), after: ifaceState(now) }, `${now.name}: ${ifaceState(was)} → ${ifaceState(now)}`));
  }
  if (was.mtu !== now.mtu)
    out.push(change("mtu", n, { iface: now, before: String(was.mtu), after: String(now.mtu) }, `${now.name}: MTU ${was.mtu} → ${now.mtu}`));
  if (was.masterIfindex !== now.masterIfindex) {
    const name = (ifindex: number | undefined) => (ifindex === undefined ? "none" : ifaceName(n, ifindex));
    const [b, a] = [name(was.masterIfindex), name(now.masterIfindex)];
    out.push(change("master", n, { iface: now, before: b, after: a }, `${now.name}: master ${b} → ${a}`));
  }
  const addrs = setChanges(was.addresses, now.addresses, cidr);
  for (const a of addrs.added) out.push(change("address-added", n, { iface: now, after: cidr(a) }, `${now.name}: address ${cidr(a)} added`));
  for (const a of addrs.removed) out.push(change("address-removed", n, { iface: now, before: cidr(a) }, `${now.name}: address ${cidr(a)} removed`));
  return out;
}

function diffCounters(old: Netns, now: Netns, elapsedMs: number): CounterDelta[] {
  const oldIfaces = new Map(old.interfaces.map((i) => [i.ifindex, i]));
  return now.interfaces.flatMap((i): CounterDelta[] => {
    const was = oldIfaces.get(i.ifindex);
    if (was === undefined || was.name !== i.name || was.stats === undefined || i.stats === undefined) return [];
    const oldStats = was.stats;
    const delta = mapStats(i.stats, (v, k) => v - oldStats[k]);
    if (Object.values(delta).every((v) => v === 0)) return [];
    const seconds = elapsedMs / 1000;
    const perSecond = mapStats(delta, (v) => (seconds > 0 ? Math.round((v / seconds) * 100) / 100 : 0));
    const isLosing = LOSS_COUNTERS.some((c) => delta[c] > 0);
    return [{ netnsId: now.id, netnsLabel: netnsLabel(now), ifindex: i.ifindex, ifaceName: i.name, delta, perSecond, isLosing }];
  });
}

function mapStats(s: Stats, f: (value: number, key: keyof Stats) => number): Stats {
  return {
    rxBytes: f(s.rxBytes, "rxBytes"),
    txBytes: f(s.txBytes, "txBytes"),
    rxPackets: f(s.rxPackets, "rxPackets"),
    txPackets: f(s.txPackets, "txPackets"),
    rxErrors: f(s.rxErrors, "rxErrors"),
    txErrors: f(s.txErrors, "txErrors"),
    rxDropped: f(s.rxDropped, "rxDropped"),
    txDropped: f(s.txDropped, "txDropped"),
  };
}

const processText = (l: Listener) => (l.processes.length === 0 ? "" : ` (${listenerProcessesText(l)})`);
