/**
 * The hub's search, pure: an index built once per overview a node agent sends (search() then never asks an agent),
 * and a query over the indexes of every node. What is found: Kubernetes pods (`namespace/name`), containers (name,
 * Kubernetes name, id), podman pods, `ip netns` names, the processes that own namespaces no engine claims (command
 * line), interface names, addresses (the node's own too) and MACs.
 * Matching is case-insensitive: exact matches first, then prefixes, then substrings; ids match only from their start
 * (a substring of a 64-digit hex id is noise). A MAC query may use `-` for `:`; an address query may carry a /prefix.
 */
import { nodeSegment, SEARCH_RESULTS_MAX, type SearchKind, type SearchResult } from "../contract/cluster";
import type { OverviewNetns, Owner, SnapshotOverview } from "../contract/snapshot";

interface Key {
  /** Lower-cased (the same string as `shown` when that is lower case already). */
  text: string;
  /** As shown. */
  shown: string;
  /** Only exact and prefix matches count. */
  isIdLike: boolean;
}

/** What the entries of one namespace share (one object per namespace, not per entry). */
interface NetnsPlace {
  netnsId: string;
  isHost: boolean;
  /** `/n/<node>/netns/<id>`. */
  href: string;
  /** How a label names the namespace: "pod shop/web-0", "node-1 (host)". */
  where: string;
}

/**
 * One thing search can find. Labels are made only for results: an entry holds references to the overview's own
 * strings (which the hub keeps anyway), so the index costs little more than the keys.
 */
export interface IndexEntry {
  kind: SearchKind;
  place: NetnsPlace;
  /** The page that shows it; the namespace's unless a pod or container has its own. */
  href: string;
  /** An owner's label, or the interface's, MAC's or address's own text. */
  what: string;
  /** For a MAC or address: the interface it is on. */
  on?: string;
  /** For an address: its prefix length. */
  prefixLength?: number;
  keys: Key[];
}

export interface NodeIndex {
  node: string;
  entries: IndexEntry[];
}

function key(shown: string, isIdLike = false): Key {
  const lower = shown.toLowerCase();
  return { text: lower === shown ? shown : lower, shown, isIdLike };
}

/** An entry's label: "pod shop/web-0", "eth0 in pod shop/web-0", "10.244.1.2/24 on eth0 in node-1 (host)". */
export function labelOf(entry: IndexEntry): string {
  switch (entry.kind) {
    case "interface":
      return `${entry.what} in ${entry.place.where}`;
    case "mac":
      return `${entry.what} on ${entry.on ?? "?"} in ${entry.place.where}`;
    case "address":
      return `${entry.what}/${entry.prefixLength ?? "?"} on ${entry.on ?? "?"} in ${entry.place.where}`;
    default:
      return entry.what;
  }
}

/** What a namespace is called in a label: its first owner, or "node-1 (host)". */
function netnsLabel(node: string, netns: OverviewNetns): string {
  if (netns.isHost) return `${node} (host)`;
  const owner = netns.owners.find((o) => o.kind === "kubernetes-pod") ?? netns.owners.find((o) => o.kind !== "process") ?? netns.owners[0];
  if (owner === undefined) return `netns ${netns.id}`;
  switch (owner.kind) {
    case "kubernetes-pod":
      return `pod ${owner.name}`;
    case "docker-container":
      return `container ${owner.name}`;
    case "podman-pod":
      return `podman pod ${owner.name}`;
    case "ip-netns":
      return `netns ${owner.name}`;
    case "process":
      return `process ${owner.pid} ${owner.name.slice(0, 60)}`;
  }
}

function ownerEntries(node: string, place: NetnsPlace, owner: Owner): IndexEntry[] {
  switch (owner.kind) {
    case "kubernetes-pod": {
      const href = `/n/${nodeSegment(node)}/pods/${encodeURIComponent(owner.namespace)}/${encodeURIComponent(owner.podName)}`;
      const what = `pod ${owner.name}`;
      const pod: IndexEntry = { kind: "pod", place, href, what, keys: [key(owner.name), key(owner.podName), key(owner.uid, true), key(owner.sandboxId, true)] };
      const containers = owner.containers
        .filter((c) => !c.isSandbox)
        .map((c): IndexEntry => {
          const keys = [key(c.name), key(c.id, true)];
          if (c.kubernetesName !== undefined) keys.push(key(c.kubernetesName));
          return { kind: "container", place, href, what: `container ${c.kubernetesName ?? c.name} in ${what}`, keys };
        });
      return [pod, ...containers];
    }
    case "docker-container": {
      const href = `/n/${nodeSegment(node)}/containers/${encodeURIComponent(owner.name)}`;
      return [{ kind: "container", place, href, what: `container ${owner.name}`, keys: [key(owner.name), key(owner.id, true)] }];
    }
    case "podman-pod":
      return [
        { kind: "podman-pod", place, href: place.href, what: `podman pod ${owner.name}`, keys: [key(owner.name), key(owner.id, true)] },
        ...owner.containers
          .filter((c) => !c.isSandbox)
          .map((c): IndexEntry => ({
            kind: "container",
            place,
            href: `/n/${nodeSegment(node)}/containers/${encodeURIComponent(c.name)}`,
            what: `container ${c.name} in podman pod ${owner.name}`,
            keys: [key(c.name), key(c.id, true)],
          })),
      ];
    case "ip-netns":
      return [{ kind: "ip-netns", place, href: place.href, what: `ip netns ${owner.name}`, keys: [key(owner.name)] }];
    case "process": {
      // A command line can be long: the first 200 characters are searched.
      const name = owner.name.slice(0, 200);
      return [{ kind: "process", place, href: place.href, what: `process ${owner.pid} ${name}`, keys: [key(name)] }];
    }
  }
}

/** The search entries of one node's overview. */
export function buildNodeIndex(node: string, overview: Pick<SnapshotOverview, "netns">): NodeIndex {
  const entries: IndexEntry[] = [];
  for (const netns of overview.netns) {
    const place: NetnsPlace = { netnsId: netns.id, isHost: netns.isHost, href: `/n/${nodeSegment(node)}/netns/${netns.id}`, where: netnsLabel(node, netns) };
    const { href } = place;
    for (const owner of netns.owners) entries.push(...ownerEntries(node, place, owner));
    for (const iface of netns.interfaces) {
      if (iface.kind === "loopback") continue;
      entries.push({ kind: "interface", place, href, what: iface.name, keys: [key(iface.name)] });
      if (iface.mac !== undefined && iface.mac !== "00:00:00:00:00:00") {
        entries.push({ kind: "mac", place, href, what: iface.mac, on: iface.name, keys: [key(iface.mac)] });
      }
      for (const a of iface.addresses) {
        entries.push({ kind: "address", place, href, what: a.address, on: iface.name, prefixLength: a.prefixLength, keys: [key(a.address)] });
      }
    }
  }
  return { node, entries };
}

/**
 * The forms of a query that are matched: lower case, and besides that a MAC written with `-` as with `:`, an address
 * without its /prefix ("de-ad-be" may be a name as much as a MAC).
 */
export function queryForms(query: string): string[] {
  const q = query.trim().toLowerCase();
  const forms = [q];
  if (/^[0-9a-f]{2}(-[0-9a-f]{2}){1,5}-?$/.test(q)) forms.push(q.replace(/-/g, ":"));
  const cidr = /^([0-9a-f.:]+)\/\d{1,3}$/.exec(q);
  if (cidr?.[1] !== undefined && /[.:]/.test(cidr[1])) forms.push(cidr[1]);
  return forms.filter((f) => f !== "");
}

/** 0 exact, 1 prefix, 2 substring, for the best-matching form; undefined when the key does not match. */
function rank(k: Key, forms: readonly string[]): number | undefined {
  let best: number | undefined;
  for (const q of forms) {
    const r = k.text === q ? 0 : k.text.startsWith(q) ? 1 : !k.isIdLike && k.text.includes(q) ? 2 : undefined;
    if (r !== undefined && (best === undefined || r < best)) best = r;
  }
  return best;
}

export interface SearchOutcome {
  results: SearchResult[];
  truncated: boolean;
}

/**
 * Searches every index (in the order given: the hub sorts nodes by name): the `max` best-ranked results, each entry
 * once, with the key that matched best; within a rank, in index order. Linear in the entries, bounded in memory.
 */
export function searchIndexes(indexes: readonly NodeIndex[], query: string, max = SEARCH_RESULTS_MAX): SearchOutcome {
  const forms = queryForms(query);
  if (forms.length === 0) return { results: [], truncated: false };
  const byRank: SearchResult[][] = [[], [], []];
  let total = 0;
  for (const index of indexes) {
    for (const entry of index.entries) {
      let best: { rank: number; key: Key } | undefined;
      for (const k of entry.keys) {
        const r = rank(k, forms);
        if (r !== undefined && (best === undefined || r < best.rank)) best = { rank: r, key: k };
      }
      if (best === undefined) continue;
      total++;
      const bucket = byRank[best.rank];
      if (bucket === undefined || bucket.length >= max) continue;
      bucket.push({
        node: index.node,
        netnsId: entry.place.netnsId,
        isHost: entry.place.isHost,
        kind: entry.kind,
        label: labelOf(entry),
        match: best.key.shown,
        href: entry.href,
      });
    }
  }
  return { results: byRank.flat().slice(0, max), truncated: total > max };
}
