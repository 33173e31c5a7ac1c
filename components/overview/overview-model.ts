import { NETNS_KINDS, netnsAddresses, netnsKinds, ownerEngine, primaryOwner, type NetnsKind } from "@/server/contract/display";
import type { OverviewNetns, SnapshotOverview } from "@/server/contract/snapshot";
import { anomalyCountByNetns } from "../anomalies/anomaly-counts";
import type { OverviewParams } from "../url/search-params";

/** One row of the namespace table, derived from the snapshot (pure). */
export interface NetnsRow {
  netns: OverviewNetns;
  /** Owner kinds for filtering; "host" for the host namespace, "none" when nothing owns it. */
  kinds: NetnsKind[];
  engines: string[];
  k8sNamespaces: string[];
  ownerText: string;
  addresses: string[];
  /** How many anomalies name this namespace. */
  anomalyCount: number;
  /** Lower-cased text the search box looks in: owner names and labels (key=value), container names, interface names, IPs, MACs, refs. */
  haystack: string;
}

export function toRows(snapshot: SnapshotOverview): NetnsRow[] {
  const anomalies = anomalyCountByNetns(snapshot.anomalies);
  return snapshot.netns.map((n) => {
    const containers = n.owners.flatMap((o) => ("containers" in o ? o.containers.map((c) => `${c.name} ${c.kubernetesName ?? ""} ${c.image ?? ""}`) : []));
    const addresses = netnsAddresses(n);
    const haystack = [
      n.id,
      ...n.owners.map((o) => `${o.name} ${"id" in o ? o.id : ""} ${o.kind === "docker-container" ? (o.image ?? "") : ""}`),
      ...n.owners.flatMap((o) => ("labels" in o && o.labels ? Object.entries(o.labels).map(([k, v]) => `${k}=${v}`) : [])),
      ...containers,
      ...n.interfaces.map((i) => `${i.name} ${i.mac ?? ""} ${i.addresses.map((a) => a.address).join(" ")}`),
      ...n.refs.map((r) => r.path ?? (r.pid === undefined ? "" : `pid ${r.pid}`)),
    ]
      .join(" ")
      .toLowerCase();
    return {
      netns: n,
      kinds: netnsKinds(n),
      engines: [...new Set(n.owners.map(ownerEngine).filter((e): e is string => e !== undefined))],
      k8sNamespaces: [...new Set(n.owners.flatMap((o) => (o.kind === "kubernetes-pod" ? [o.namespace] : [])))],
      ownerText: n.isHost ? "" : (primaryOwner(n.owners)?.name ?? "~"),
      addresses,
      anomalyCount: anomalies.get(n.id) ?? 0,
      haystack,
    };
  });
}

/** Search (every word must match) and filters, as the URL says. */
export function filterRows(rows: NetnsRow[], params: OverviewParams): NetnsRow[] {
  const words = params.q.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter(
    (r) =>
      words.every((w) => r.haystack.includes(w)) &&
      (params.kind.length === 0 || r.kinds.some((k) => params.kind.includes(k))) &&
      (params.engine.length === 0 || r.engines.some((e) => params.engine.includes(e))) &&
      (params.k8sns.length === 0 || r.k8sNamespaces.some((ns) => params.k8sns.includes(ns))),
  );
}

/** Sorts a copy; the host namespace always comes first. */
export function sortRows(rows: NetnsRow[], params: Pick<OverviewParams, "sort" | "dir">): NetnsRow[] {
  const sign = params.dir === "asc" ? 1 : -1;
  const key = (r: NetnsRow): string | number => {
    switch (params.sort) {
      case "id":
        return r.netns.id.padStart(20, "0");
      case "interfaces":
        return r.netns.interfaces.length;
      case "addresses":
        return r.addresses[0] ?? "~";
      case "owner":
        return r.ownerText.toLowerCase();
    }
  };
  return [...rows].sort((a, b) => {
    if (a.netns.isHost !== b.netns.isHost) return a.netns.isHost ? -1 : 1;
    const ka = key(a);
    const kb = key(b);
    return (ka < kb ? -1 : ka > kb ? 1 : 0) * sign || a.netns.id.localeCompare(b.netns.id);
  });
}

export interface NodeCounts {
  namespaces: number;
  pods: number;
  containers: number;
  vethPairs: number;
  bridges: number;
}

export function nodeCounts(snapshot: SnapshotOverview): NodeCounts {
  const owners = snapshot.netns.flatMap((n) => n.owners);
  const ids = new Set<string>();
  for (const o of owners) {
    if (o.kind === "docker-container") ids.add(o.id);
    if (o.kind === "kubernetes-pod" || o.kind === "podman-pod") for (const c of o.containers) ids.add(c.id);
  }
  const veths = snapshot.netns.flatMap((n) => n.interfaces.filter((i) => i.kind === "veth" && i.peer !== undefined));
  return {
    namespaces: snapshot.netns.length,
    pods: owners.filter((o) => o.kind === "kubernetes-pod" || o.kind === "podman-pod").length,
    containers: ids.size,
    vethPairs: Math.round(veths.length / 2),
    bridges: snapshot.netns.reduce((n, x) => n + x.interfaces.filter((i) => i.kind === "bridge").length, 0),
  };
}

/** Every value a filter can take, from the data (for the filter bar): kinds in their display order, the rest sorted. */
export function filterChoices(rows: NetnsRow[]): { kinds: NetnsKind[]; engines: string[]; k8sNamespaces: string[] } {
  const all = (pick: (r: NetnsRow) => string[]) => [...new Set(rows.flatMap(pick))].sort();
  const kinds = new Set(rows.flatMap((r) => r.kinds));
  return { kinds: NETNS_KINDS.filter((k) => kinds.has(k)), engines: all((r) => r.engines), k8sNamespaces: all((r) => r.k8sNamespaces) };
}
