/** `?at=<id>` for a stored snapshot, nothing for the node now. */
const atQuery = (at: string | undefined) => (at === undefined ? "" : `?at=${encodeURIComponent(at)}`);

/** Builders for every API path the browser calls; `at` reads a stored snapshot instead of the node now. */
export const apiPaths = {
  health: () => "/api/v1/healthz",
  /** The node's changes as Server-Sent Events. */
  events: () => "/api/v1/events",
  /** The snapshot without routes and counters: what the polling pages show (a namespace's own page asks `netns`). */
  snapshotOverview: (at?: string) => `/api/v1/snapshot?view=overview${at === undefined ? "" : `&at=${encodeURIComponent(at)}`}`,
  netns: (id: string, at?: string) => `/api/v1/netns/${encodeURIComponent(id)}${atQuery(at)}`,
  pod: (namespace: string, name: string, at?: string) => `/api/v1/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}${atQuery(at)}`,
  container: (nameOrId: string, at?: string) => `/api/v1/containers/${encodeURIComponent(nameOrId)}${atQuery(at)}`,
  snapshots: () => "/api/v1/snapshots",
  importSnapshot: () => "/api/v1/snapshots/import",
  /** The export: a stored snapshot as a file. */
  exportSnapshot: (id: string) => `/api/v1/snapshots/${encodeURIComponent(id)}?download=1`,
  diff: (from: string, to?: string) => `/api/v1/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to ?? "now")}`,
  expose: () => "/api/v1/expose",
  unexpose: () => "/api/v1/unexpose",
  /** Hub mode (docs/hub.md): every node and its state, a search over them, the links between them. */
  clusterNodes: () => "/api/v1/cluster/nodes",
  clusterSearch: (q: string) => `/api/v1/cluster/search?q=${encodeURIComponent(q)}`,
  clusterTopology: () => "/api/v1/cluster/topology",
  /** Frozen cluster snapshots: the list (GET), a freeze (POST), one of them. */
  clusterSnapshots: () => "/api/v1/cluster/snapshots",
  clusterSnapshot: (id: string) => `/api/v1/cluster/snapshots/${encodeURIComponent(id)}`,
};

/**
 * The hub's passthrough of one node's API (`/api/v1/n/<node>/…`) for a single-node path: the snapshot, a namespace,
 * a pod, a container, a path trace and the captures (status and POST); any other path (history, diff, expose, …) is
 * returned as it is (the hub answers 409).
 */
export function nodeApiPath(node: string, path: string): string {
  if (!/^\/api\/v1\/(?:(?:snapshot|trace|captures)(?=\?|$)|netns\/|pods\/|containers\/)/.test(path)) return path;
  return `/api/v1/n/${encodeURIComponent(node)}/${path.slice("/api/v1/".length)}`;
}

/**
 * Builders for every page link: stable across restarts (pods and containers by name, not by index).
 * Inside a frozen view, use `scopedHrefs(at)` (or the useHrefs hook) so links stay in that snapshot.
 */
export const pageHrefs = {
  overview: (query?: URLSearchParams) => (query && query.size > 0 ? `/?${query.toString()}` : "/"),
  netns: (id: string, ifindex?: number) => `/netns/${encodeURIComponent(id)}${ifindex === undefined ? "" : `#if-${ifindex}`}`,
  pod: (namespace: string, name: string) => `/pods/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
  container: (name: string) => `/containers/${encodeURIComponent(name)}`,
  topology: (focus?: string) => (focus ? `/topology?focus=${encodeURIComponent(focus)}` : "/topology"),
};

/** The cluster page (hub mode), with a search when `q` is given. */
export function clusterHref(q?: string): string {
  return q === undefined || q === "" ? "/cluster" : `/cluster?q=${encodeURIComponent(q)}`;
}

/** The cluster page showing the frozen cluster snapshot `at`. */
export function frozenClusterHref(at: string): string {
  return withAt("/cluster", at);
}

/**
 * pageHrefs of one node seen through the hub: every link stays under `/n/<node>/…` (the name percent-encoded) and,
 * given `at` (a frozen cluster snapshot's id), inside that snapshot.
 */
export function nodeHrefs(node: string, at?: string): typeof pageHrefs {
  const base = `/n/${encodeURIComponent(node)}`;
  return {
    overview: (query) => withAt(query && query.size > 0 ? `${base}?${query.toString()}` : base, at),
    netns: (id, ifindex) => withAt(`${base}${pageHrefs.netns(id, ifindex)}`, at),
    pod: (namespace, name) => withAt(`${base}${pageHrefs.pod(namespace, name)}`, at),
    container: (name) => withAt(`${base}${pageHrefs.container(name)}`, at),
    topology: (focus) => withAt(`${base}${pageHrefs.topology(focus)}`, at),
  };
}

/** Adds `at=<id>` to an href (before its #fragment), keeping any query it has. */
export function withAt(href: string, at: string | undefined): string {
  if (at === undefined) return href;
  const [path = "", hash] = href.split("#", 2);
  const joined = `${path}${path.includes("?") ? "&" : "?"}at=${encodeURIComponent(at)}`;
  return hash === undefined ? joined : `${joined}#${hash}`;
}

/** pageHrefs whose links stay inside the stored snapshot `at` (the same as pageHrefs when live). */
export function scopedHrefs(at: string | undefined): typeof pageHrefs {
  if (at === undefined) return pageHrefs;
  return {
    overview: (query) => withAt(pageHrefs.overview(query), at),
    netns: (id, ifindex) => withAt(pageHrefs.netns(id, ifindex), at),
    pod: (namespace, name) => withAt(pageHrefs.pod(namespace, name), at),
    container: (name) => withAt(pageHrefs.container(name), at),
    topology: (focus) => withAt(pageHrefs.topology(focus), at),
  };
}
