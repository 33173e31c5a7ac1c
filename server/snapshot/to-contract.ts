import type { NetnsContent } from "../collect/decode-reading";
import type { DiscoveredNetns } from "../discover/discover";
import type { Interface, Netns, Owner } from "../contract/snapshot";
import type { RawLink } from "../collect/rtnl-decode";
import type { Wiring } from "../wire/pair-veths";
import type { VxlanFdbOfDevice } from "./vxlan-fdb";

/** Flattens one namespace's reading into the wire format: plain data, relations as ids. */
export function netnsToContract(
  found: DiscoveredNetns,
  content: NetnsContent | undefined,
  wiring: Map<number, Wiring> | undefined,
  owners: Owner[],
  fdb: { byIfindex?: Map<number, VxlanFdbOfDevice> | undefined; error?: string | undefined } = {},
): Netns {
  const addressesOf = new Map<number, Interface["addresses"]>();
  for (const a of content?.addresses ?? []) {
    const list = addressesOf.get(a.ifindex) ?? [];
    list.push({ family: a.family, address: a.address, prefixLength: a.prefixLength, scope: a.scope });
    addressesOf.set(a.ifindex, list);
  }
  // A loop rather than a callback made per call: V8 keeps the optimised code of this function between scans. Every
  // optional field is written, undefined when absent (JSON leaves those out, in the same order as ever): one shape for
  // every interface, and no spread (a runtime call) per optional field.
  const interfaces: Interface[] = [];
  for (const l of content?.links ?? []) {
    const w = wiring?.get(l.ifindex);
    interfaces.push({
      ifindex: l.ifindex,
      name: l.name,
      kind: l.kind,
      mac: l.mac,
      mtu: l.mtu,
      operState: l.operState,
      isUp: l.isUp,
      isPromiscuous: l.isPromiscuous,
      masterIfindex: l.masterIfindex,
      addresses: addressesOf.get(l.ifindex) ?? [],
      peer: w?.peer,
      isPeerMissing: w?.isPeerMissing === true ? true : undefined,
      parent: w?.parent,
      vxlan: l.vxlan ? vxlanOf(l.vxlan, fdb.byIfindex?.get(l.ifindex)) : undefined,
      macvlanMode: l.macvlanMode,
      stats: l.stats,
    });
  }
  return {
    id: found.id,
    isHost: found.isHost,
    refs: found.refs,
    processCount: found.processCount,
    owners,
    interfaces,
    routes: content?.routes ?? [],
    isGone: content?.isGone ?? true,
    errors: fdb.error === undefined ? (content?.errors ?? ["not read"]) : [...(content?.errors ?? []), fdb.error],
  };
}

function vxlanOf(v: NonNullable<RawLink["vxlan"]>, fdb: VxlanFdbOfDevice | undefined): NonNullable<Interface["vxlan"]> {
  const base = { id: v.id, remote: v.remote, local: v.local, port: v.port };
  if (fdb === undefined) return base;
  return { ...base, fdb: fdb.entries, ...(fdb.dropped > 0 ? { fdbDropped: fdb.dropped } : {}) };
}
