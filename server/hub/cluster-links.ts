/**
 * Links between nodes, pure, from what each agent reports about its node's own namespace:
 * - vxlan: a VXLAN device's unicast `remote`, and the `dst` of each of its FDB entries (`interface.vxlan.fdb`) that is
 *   another node's address;
 * - route (host-gw): a main-table route whose gateway is another node's address.
 * An address counts as a node's when an interface of that node's own namespace holds it; loopback, link-local and
 * addresses held by several nodes (docker0's 172.17.0.1 on every node) name no node. What cannot be drawn is said in
 * `notes`. WireGuard peers are not in the snapshot, so no WireGuard link is derived.
 */
import { isIP } from "node:net";
import type { ClusterLink } from "../contract/cluster";
import { MAIN_ROUTE_TABLE, type Address, type Interface, type Route } from "../contract/snapshot";

export interface HostInterface {
  name: string;
  kind: string;
  ifindex: number;
  addresses: Address[];
  vxlan?: Pick<NonNullable<Interface["vxlan"]>, "id" | "remote" | "port" | "fdb"> | undefined;
}

export interface NodeFacts {
  name: string;
  /** The interfaces of the node's own namespace. */
  interfaces: readonly HostInterface[];
  /** The routes of the node's own namespace; undefined when they could not be read (no route links then). */
  routes?: readonly Route[] | undefined;
}

/** Addresses that can name a node: unicast, not loopback, not link-local, not unspecified. */
function isNodeAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !/^(127\.|0\.|169\.254\.|22[4-9]\.|23\d\.)/.test(address);
  if (family === 6) return !/^(::1?$|fe[89ab][0-9a-f]:|ff)/i.test(address);
  return false;
}

function isMulticast(address: string): boolean {
  return /^(22[4-9]|23\d)\./.test(address) || /^ff/i.test(address);
}

interface Holder {
  node: string;
  iface: string;
}

export interface LinksOutcome {
  links: ClusterLink[];
  notes: string[];
}

export function clusterLinks(nodes: readonly NodeFacts[]): LinksOutcome {
  const holders = new Map<string, Holder[]>();
  for (const node of nodes) {
    for (const iface of node.interfaces) {
      for (const a of iface.addresses) {
        if (!isNodeAddress(a.address)) continue;
        const list = holders.get(a.address) ?? [];
        if (!list.some((h) => h.node === node.name)) list.push({ node: node.name, iface: iface.name });
        holders.set(a.address, list);
      }
    }
  }
  const links: ClusterLink[] = [];
  const notes: string[] = [];
  const noted = new Set<string>();
  const note = (text: string) => {
    if (noted.has(text)) return;
    noted.add(text);
    notes.push(text);
  };

  /** The one other node holding `address`, or undefined (with a note when it is ambiguous). */
  const target = (from: string, address: string): Holder | undefined => {
    const found = (holders.get(address) ?? []).filter((h) => h.node !== from);
    if (found.length > 1) note(`${address} is held by several nodes (${found.map((h) => h.node).join(", ")}): no link is drawn to it`);
    return found.length === 1 ? found[0] : undefined;
  };

  for (const node of nodes) {
    for (const iface of node.interfaces) {
      if (iface.vxlan === undefined) continue;
      const vni = iface.vxlan.id === undefined ? "" : `VNI ${iface.vxlan.id} `;
      const port = iface.vxlan.port === undefined ? "" : `:${iface.vxlan.port}`;
      const remote = iface.vxlan.remote;
      const fdb = iface.vxlan.fdb === undefined ? undefined : [...new Set(iface.vxlan.fdb.flatMap((e) => (e.dst === undefined ? [] : [e.dst])))];
      if (remote !== undefined && isMulticast(remote)) note(`${iface.name} on ${node.name} floods to multicast group ${remote}: its peers are not listed`);
      const targets: Array<{ address: string; via: ClusterLink["via"] }> = [];
      if (remote !== undefined && !isMulticast(remote)) targets.push({ address: remote, via: "vxlan-remote" });
      for (const dst of fdb ?? []) if (dst !== remote && isIP(dst) !== 0 && !isMulticast(dst)) targets.push({ address: dst, via: "vxlan-fdb" });
      if (remote === undefined && fdb === undefined) {
        note(`${iface.name} on ${node.name} has no remote and its agent could not read its FDB: its peers are not known`);
      }
      for (const t of targets) {
        const to = target(node.name, t.address);
        if (to === undefined) continue;
        links.push({
          kind: "vxlan",
          from: { node: node.name, iface: iface.name },
          to: { node: to.node, iface: to.iface },
          via: t.via,
          address: t.address,
          detail: `${vni}to ${t.address}${port}`,
        });
      }
    }
    if (node.routes === undefined) continue;
    const byIndex = new Map(node.interfaces.map((i) => [i.ifindex, i.name]));
    // One link per (device, gateway): its detail lists the destinations routed that way.
    const viaGateway = new Map<string, { iface: string; gateway: string; to: Holder; destinations: string[] }>();
    for (const route of node.routes) {
      if (route.table !== MAIN_ROUTE_TABLE || route.type !== "unicast" || route.gateway === undefined) continue;
      const to = target(node.name, route.gateway);
      if (to === undefined) continue;
      const iface = (route.outIfindex === undefined ? undefined : byIndex.get(route.outIfindex)) ?? "?";
      const id = `${iface} ${route.gateway}`;
      const entry = viaGateway.get(id) ?? { iface, gateway: route.gateway, to, destinations: [] };
      entry.destinations.push(route.destination);
      viaGateway.set(id, entry);
    }
    for (const e of viaGateway.values()) {
      links.push({
        kind: "route",
        from: { node: node.name, iface: e.iface },
        to: { node: e.to.node, iface: e.to.iface },
        via: "route",
        address: e.gateway,
        detail: `${e.destinations.join(", ")} via ${e.gateway}`,
      });
    }
  }
  return { links, notes };
}
