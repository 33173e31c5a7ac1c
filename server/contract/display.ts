/**
 * Presentation rules shared by the CLI, the incident report, the server's own messages (diffs,
 * anomalies) and the dashboard: how a namespace, an owner, an address, a ref, a route or a listener
 * reads as text, and in which order owner kinds and anomalies are listed. Pure functions and
 * constants over the contract's types; colours and layout stay in components/.
 */
import type { Anomaly, AnomalyKind } from "./anomaly";
import { MAIN_ROUTE_TABLE, type Address, type Interface, type Listener, type Netns, type Owner, type PodContainer, type Route } from "./snapshot";

/** The node's own namespace, wherever a namespace is named. */
export const HOST_LABEL = "host";
/** A namespace nothing owns: only its refs hold it. */
export const NO_OWNER_LABEL = "no owner";

/** Owner kinds in the order they are shown and ranked: engines' workloads, then `ip netns` names, then processes. */
export const OWNER_KINDS = ["kubernetes-pod", "docker-container", "podman-pod", "ip-netns", "process"] as const satisfies readonly Owner["kind"][];

/** One of a kind (a badge's spoken text), several (a filter), and the kind's glyph. */
export const OWNER_KIND_TEXT: Record<Owner["kind"], { one: string; many: string; glyph: string }> = {
  "kubernetes-pod": { one: "Kubernetes pod", many: "pods", glyph: "☸" },
  "docker-container": { one: "container", many: "containers", glyph: "▣" },
  "podman-pod": { one: "podman pod", many: "podman pods", glyph: "⬡" },
  "ip-netns": { one: "ip netns name", many: "ip netns", glyph: "◎" },
  process: { one: "process", many: "processes", glyph: "⚙" },
};

/** What a namespace can be filtered by: its owners' kinds, "host" for the node's own, "none" when nothing owns it. */
export const NETNS_KINDS = [...OWNER_KINDS, "host", "none"] as const;
export type NetnsKind = (typeof NETNS_KINDS)[number];

export function netnsKindLabel(kind: NetnsKind): string {
  if (kind === "host") return HOST_LABEL;
  if (kind === "none") return NO_OWNER_LABEL;
  return OWNER_KIND_TEXT[kind].many;
}

/** A namespace's kinds, each once, in NETNS_KINDS order. */
export function netnsKinds(n: Pick<Netns, "isHost" | "owners">): NetnsKind[] {
  const kinds = new Set<NetnsKind>(n.owners.map((o) => o.kind));
  if (n.isHost) kinds.add("host");
  else if (kinds.size === 0) kinds.add("none");
  return NETNS_KINDS.filter((k) => kinds.has(k));
}

const ownerRank = (o: Owner): number => OWNER_KINDS.indexOf(o.kind);

/** The owner a namespace is named after: the first of the best-ranked kind (a pod over its CNI name, a name over a process). */
export function primaryOwner(owners: readonly Owner[]): Owner | undefined {
  return owners.reduce<Owner | undefined>((best, o) => (best === undefined || ownerRank(o) < ownerRank(best) ? o : best), undefined);
}

/** A namespace known only by its id. */
export const netnsIdLabel = (id: string): string => `netns ${id}`;

/** How people name a namespace: "host", its primary owner, or its inode. */
export function netnsLabel(n: Pick<Netns, "id" | "isHost" | "owners">): string {
  if (n.isHost) return HOST_LABEL;
  return primaryOwner(n.owners)?.name ?? netnsIdLabel(n.id);
}

/** "kubernetes-pod shop/web-0". */
export const ownerText = (o: Owner): string => `${o.kind} ${o.name}`;

/** Every owner of a namespace in one line, "host" first for the node's own: "no owner" when there is none. */
export function ownersText(n: Pick<Netns, "isHost" | "owners">): string {
  const parts = [...(n.isHost ? [HOST_LABEL] : []), ...n.owners.map(ownerText)];
  return parts.length === 0 ? NO_OWNER_LABEL : parts.join(", ");
}

/** The engine behind an owner: its runtime, "podman" for a podman pod, none for a name or a process. */
export function ownerEngine(o: Owner): string | undefined {
  if ("runtime" in o) return o.runtime;
  return o.kind === "podman-pod" ? "podman" : undefined;
}

/** An engine's id as `docker ps` shows it. */
export const shortId = (id: string): string => id.slice(0, 12);

/** A pod's container by its Kubernetes name when it has one. */
export const containerLabel = (c: Pick<PodContainer, "name" | "kubernetesName">): string => c.kubernetesName ?? c.name;

export const cidr = (a: Pick<Address, "address" | "prefixLength">): string => `${a.address}/${a.prefixLength}`;

/** Addresses that tell namespaces apart: all but loopback (host scope) and IPv6 link-local. */
const isShownAddress = (a: Address): boolean => a.scope !== "host" && !(a.family === "inet6" && a.scope === "link");

/** An interface's shown addresses, as CIDR. */
export const ifaceAddresses = (i: Pick<Interface, "addresses">): string[] => i.addresses.filter(isShownAddress).map(cidr);

/** A namespace's shown addresses, as CIDR, interface by interface. */
export const netnsAddresses = (n: { interfaces: Array<Pick<Interface, "addresses">> }): string[] => n.interfaces.flatMap(ifaceAddresses);

/** An interface of a namespace by name, or "if7" when it is not (or no longer) there. */
export function ifaceName(n: { interfaces: Array<Pick<Interface, "ifindex" | "name">> } | undefined, ifindex: number): string {
  return n?.interfaces.find((i) => i.ifindex === ifindex)?.name ?? `if${ifindex}`;
}

/** The operational state, or "admin down" when the interface is administratively down. */
export const ifaceState = (i: Pick<Interface, "isUp" | "operState">): string => (i.isUp ? i.operState : "admin down");

export const bridgeLabel = (name: string): string => `bridge ${name}`;

/** What holds a namespace, most telling first: bind mounts, two processes (and how many more), threads, fds. */
export function refParts(n: Pick<Netns, "refs" | "processCount">): string[] {
  const mounts = n.refs.filter((r) => r.kind === "bind-mount").map((r) => r.path ?? "?");
  const pids = n.refs.filter((r) => r.kind === "process").map((r) => `pid ${r.pid}`);
  const threads = n.refs.filter((r) => r.kind === "thread").map((r) => `tid ${r.tid}`);
  const fds = n.refs.filter((r) => r.kind === "fd").map((r) => `fd ${r.pid}/${r.fd}`);
  const shownPids = pids.slice(0, 2);
  const more = n.processCount - shownPids.length;
  return [...mounts, ...shownPids, ...(more > 0 ? [`(+${more} processes)`] : []), ...threads, ...fds];
}

/** A path through which `nsenter --net=` can enter the namespace, and its `ip netns` name if it has one. */
export function entryPoints(n: Pick<Netns, "refs" | "owners">): { path?: string; ipNetnsName?: string } {
  const mount = n.refs.find((r) => r.kind === "bind-mount" && r.mountNamespace === undefined)?.path;
  const pid = n.refs.find((r) => r.kind === "process")?.pid;
  const ipNetnsName = n.owners.find((o) => o.kind === "ip-netns")?.name;
  const path = mount ?? (pid === undefined ? undefined : `/proc/${pid}/ns/net`);
  return { ...(path ? { path } : {}), ...(ipNetnsName ? { ipNetnsName } : {}) };
}

/** Commands, ready to paste, that look inside the namespace. */
export function enterCommands(n: Pick<Netns, "refs" | "owners">): string[] {
  const { path, ipNetnsName } = entryPoints(n);
  return [
    ...(path === undefined ? [] : [`nsenter --net=${path} ip a`, `nsenter --net=${path} ss -tulpn`]),
    ...(ipNetnsName === undefined ? [] : [`ip netns exec ${ipNetnsName} ip a`]),
  ];
}

/** A route as `ip route` would print it, its output interface named by `device`. */
export function routeText(r: Route, device: (ifindex: number) => string): string {
  const type = r.type === "unicast" ? "" : `${r.type} `;
  const via = r.gateway === undefined ? "" : ` via ${r.gateway}`;
  const dev = r.outIfindex === undefined ? "" : ` dev ${device(r.outIfindex)}`;
  const table = r.table === MAIN_ROUTE_TABLE ? "" : ` table ${r.table}`;
  return `${type}${r.destination}${via}${dev}${table}`;
}

/** "tcp 0.0.0.0:80", "udp [::]:53". */
export const listenerText = (l: Listener): string => `${l.protocol} ${l.family === "inet6" ? `[${l.address}]` : l.address}:${l.port}`;

/** "nginx[412], nginx[413]", or "" when no process was found. */
export const listenerProcessesText = (l: Listener): string => l.processes.map((p) => `${p.command}[${p.pid}]`).join(", ");

export const ANOMALY_KIND_LABELS: Record<AnomalyKind, string> = {
  "veth-peer-missing": "veth peer missing",
  "leaked-netns": "leaked namespace",
  "duplicate-address": "duplicate address",
  "mtu-mismatch": "MTU mismatch",
  "default-route-down": "default route down",
  promiscuous: "promiscuous",
  "counters-rising": "drops/errors rising",
};

/** A copy with the critical ones first, otherwise in the order found. */
export function sortAnomalies(anomalies: readonly Anomaly[]): Anomaly[] {
  return [...anomalies].sort((a, b) => Number(b.severity === "critical") - Number(a.severity === "critical"));
}
