import * as z from "zod";
import { healthSchema } from "./health";
import { netnsIdSchema } from "./snapshot";
import { snapshotIdSchema } from "./history";

/**
 * Hub mode (docs/hub.md): a dashboard started with NSATLAS_AGENTS follows every node agent's event stream and
 * answers these shapes under /api/v1/cluster/…. Node names come from the agents (their snapshots' `node.name`);
 * every link the hub returns has them percent-encoded, so a name with odd characters never breaks a URL.
 */

/**
 * How the hub sees one agent:
 * - `connecting`: found (configured or resolved) and asked, no answer yet;
 * - `up`: its event stream is open and it spoke within the last 30 s (agents send a heartbeat every 15 s);
 * - `stale`: its event stream is open but silent for 30 s or more (the hub reconnects at 60 s);
 * - `unreachable`: refused, timed out, reset, its stream broke, or its address left the DNS answer;
 * - `unauthorized`: it answered 401 or 403 to the hub's token (NSATLAS_AGENT_TOKEN, else NSATLAS_TOKEN);
 * - `version-mismatch`: the major of its `/api/v1/healthz` `version` differs from the hub's (the contract version);
 * - `error`: it answered, but not as the contract says: not JSON, a shape the schemas refuse, too large, or an error status.
 */
export const NODE_STATES = ["connecting", "up", "stale", "unreachable", "unauthorized", "version-mismatch", "error"] as const;
export const nodeStateSchema = z.enum(NODE_STATES);
export type NodeState = z.infer<typeof nodeStateSchema>;

/** Where the API and (later) the pages show one node; every node name in them is percent-encoded. */
export const nodeLinksSchema = z.object({
  /** `/api/v1/n/<node>/snapshot?view=overview`: the node's overview, through the hub. */
  snapshot: z.string(),
  /** `/n/<node>`: the node's page (DESIGN.md §7). */
  page: z.string(),
});

/** One agent the hub follows. */
export const clusterNodeSchema = z.object({
  /** The node's name as its agent reports it (`node.name` of its snapshots); `host:port` of its address while it never answered. */
  name: z.string().min(1),
  /** False while `name` is only the address (the agent never answered a snapshot). */
  isNameKnown: z.boolean(),
  state: nodeStateSchema,
  /** Since when it is in this state (ISO 8601). */
  stateSince: z.string(),
  /** The agent's base URL, e.g. `http://10.250.0.11:7471`. */
  address: z.string(),
  /** The NSATLAS_AGENTS entry it came from, e.g. `dns:nsatlas-agent.nsatlas.svc.cluster.local:7471`. */
  source: z.string(),
  /** nsatlas version of the agent (its /api/v1/healthz), null before it answered. */
  version: z.string().nullable(),
  /** Namespaces in the hub's latest overview of the node (0 before the first). */
  netnsCount: z.number().int().nonnegative(),
  /** Kubernetes pods (`kubernetes-pod` owners, distinct by namespace/name) in that overview. */
  podCount: z.number().int().nonnegative(),
  /** When the latest overview was read by the agent (its `takenAt`), null before the first. */
  takenAt: z.string().nullable(),
  /** When the hub last heard from the agent: an answer, an event or a heartbeat (ISO 8601), null if never. */
  lastSeen: z.string().nullable(),
  /** Why it is not `up`: the last failure, in words. */
  error: z.string().optional(),
  links: nodeLinksSchema,
});
export type ClusterNode = z.infer<typeof clusterNodeSchema>;

/** One NSATLAS_AGENTS entry and what it currently stands for. */
export const agentSourceSchema = z.object({
  /** The entry as configured: `http://host:port`, `https://host:port` or `dns:<name>:<port>`. */
  entry: z.string(),
  kind: z.enum(["static", "dns"]),
  /** The agents' base URLs it gives now (for `dns:`, one per A/AAAA record of the latest resolution). */
  addresses: z.array(z.string()),
  /** When a `dns:` entry was last resolved (ISO 8601); null before the first resolution and for static entries. */
  resolvedAt: z.string().nullable(),
  /** Why the latest resolution failed or found nothing (ENOTFOUND, …); the addresses then are the previous ones, or none. */
  error: z.string().optional(),
});
export type AgentSource = z.infer<typeof agentSourceSchema>;

/** GET /api/v1/cluster/nodes. */
export const clusterNodesSchema = z.object({
  /** Every agent the hub knows, sorted by name. */
  nodes: z.array(clusterNodeSchema),
  /** The NSATLAS_AGENTS entries, in their configured order. */
  sources: z.array(agentSourceSchema),
});
export type ClusterNodes = z.infer<typeof clusterNodesSchema>;

/**
 * What a search result is: a Kubernetes pod, a container, a podman pod, an `ip netns` name, the process that owns a
 * namespace no engine claims (its command line), an interface, an address or a MAC.
 */
export const SEARCH_KINDS = ["pod", "container", "podman-pod", "ip-netns", "process", "interface", "address", "mac"] as const;
export const searchKindSchema = z.enum(SEARCH_KINDS);
export type SearchKind = z.infer<typeof searchKindSchema>;

/** The longest query GET /api/v1/cluster/search accepts. */
export const SEARCH_QUERY_MAX = 200;
/** The most results one answer carries (`truncated` says when more matched). */
export const SEARCH_RESULTS_MAX = 500;

/** `?q=`: 1..200 characters after trimming. */
export const searchQuerySchema = z
  .string()
  .transform((q) => q.trim())
  .pipe(z.string().min(1, "the query is empty").max(SEARCH_QUERY_MAX, `the query is longer than ${SEARCH_QUERY_MAX} characters`));

export const searchResultSchema = z.object({
  /** The node's name. */
  node: z.string(),
  /** The namespace that holds what matched. */
  netnsId: netnsIdSchema,
  /** True when that namespace is the node's own (the node's addresses and interfaces). */
  isHost: z.boolean(),
  kind: searchKindSchema,
  /** What matched, for display: `shop/web-0`, `eth0 in shop/web-0`, `10.244.1.2/24 on eth0 in shop/web-0`. */
  label: z.string(),
  /** The text that matched the query: a name, an id, an address or a MAC. */
  match: z.string(),
  /** Where the page shows it: `/n/<node>/pods/<ns>/<name>` for a pod, `/n/<node>/netns/<id>` otherwise (names percent-encoded). */
  href: z.string(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

/** GET /api/v1/cluster/search?q=: answered from the hub's cache, never by asking the agents. */
export const clusterSearchSchema = z.object({
  /** The query as searched (trimmed). */
  query: z.string(),
  /** Exact matches first, then prefixes, then substrings; by node name, then as the node lists them, within each. */
  results: z.array(searchResultSchema),
  /** More than SEARCH_RESULTS_MAX matched: the rest is left out. */
  truncated: z.boolean(),
  /** Some known nodes were not searched (see `missing`). */
  partial: z.boolean(),
  /** Nodes not `up`: their data is not searched (it may be old or absent). */
  missing: z.array(z.string()),
});
export type ClusterSearch = z.infer<typeof clusterSearchSchema>;

/** One end of a link between nodes. */
export const linkEndSchema = z.object({
  node: z.string(),
  /** The interface on that node: the tunnel or route's device on the `from` side, the one holding the address on the `to` side. */
  iface: z.string().optional(),
});

/**
 * A link between two nodes, derived from what the agents report:
 * - `vxlan`: a VXLAN device whose `remote` (or, once agents report it, an FDB entry's `dst`) is another node's address;
 * - `route`: a route in a node's own namespace whose gateway is another node's address (host-gw).
 * WireGuard peers are not in the snapshot yet, so no `wireguard` link is derived.
 */
export const clusterLinkSchema = z.object({
  kind: z.enum(["vxlan", "route"]),
  from: linkEndSchema.extend({ iface: z.string() }),
  to: linkEndSchema,
  /** Where it comes from: the vxlan device's `remote`, one of its FDB entries, or a route. */
  via: z.enum(["vxlan-remote", "vxlan-fdb", "route"]),
  /** The address on the `to` node that the link points at. */
  address: z.string(),
  /** In words: `VNI 42 to 10.250.0.12:4789`, `10.244.2.0/24 via 10.250.0.12`. */
  detail: z.string(),
});
export type ClusterLink = z.infer<typeof clusterLinkSchema>;

/** GET /api/v1/cluster/topology. */
export const clusterTopologySchema = z.object({
  nodes: z.array(clusterNodeSchema),
  links: z.array(clusterLinkSchema),
  /** Some nodes' links could not be read (not up, or their routes did not come within 2 s). */
  partial: z.boolean(),
  missing: z.array(z.string()),
  /** What could not be drawn and why (vxlan devices with no `remote` and no FDB, ambiguous addresses). */
  notes: z.array(z.string()),
});
export type ClusterTopology = z.infer<typeof clusterTopologySchema>;

/** The hub's own state, in GET /api/v1/healthz of a dashboard in hub mode. */
export const hubStatusSchema = z.object({
  /** Every configured entry resolved at least once (the readiness condition). */
  isResolved: z.boolean(),
  /** How many nodes are in each state. */
  nodes: z.record(nodeStateSchema, z.number().int().nonnegative()),
  sources: z.array(agentSourceSchema),
  /** Change and resync events received from every agent since start. */
  eventsReceived: z.number().int().nonnegative(),
  /** The contract version the hub speaks: the major of its own nsatlas version; agents of another major are `version-mismatch`. */
  contractMajor: z.number().int().nonnegative(),
});
export type HubStatus = z.infer<typeof hubStatusSchema>;

/**
 * GET /api/v1/healthz in hub mode: the single-node health (so a client parsing that still reads it; the hub reads no
 * node, so `runtimes` is empty, no capability is missing and the change watch is off) plus `hub`.
 */
export const hubHealthSchema = healthSchema.extend({ hub: hubStatusSchema });
export type HubHealth = z.infer<typeof hubHealthSchema>;

/** Percent-encodes a node name for a path segment. */
export function nodeSegment(name: string): string {
  return encodeURIComponent(name);
}

/** The links of one node (every name percent-encoded). */
export function nodeLinks(name: string): z.infer<typeof nodeLinksSchema> {
  const node = nodeSegment(name);
  return { snapshot: `/api/v1/n/${node}/snapshot?view=overview`, page: `/n/${node}` };
}

/** A node read into a frozen cluster snapshot: its own snapshot, stored in the hub's store under `snapshotId`. */
export const frozenNodeSchema = z.object({
  name: z.string(),
  snapshotId: snapshotIdSchema,
  netnsCount: z.number().int().nonnegative(),
});

/** A known node whose snapshot the freeze could not read, and why (refused, timed out, too large, not the contract). */
export const missingNodeSchema = z.object({ name: z.string(), reason: z.string() });
export type MissingNode = z.infer<typeof missingNodeSchema>;

/**
 * A frozen cluster snapshot (POST /api/v1/cluster/snapshots, GET /api/v1/cluster/snapshots/{id}): each known node's
 * snapshot at that moment, kept by the hub so that `?at=<id>` still shows what was there.
 */
export const clusterSnapshotSchema = z.object({
  id: snapshotIdSchema,
  takenAt: z.string(),
  /** Who froze it, as the audit log says it (how they got in, address, user agent). */
  who: z.string(),
  nodes: z.array(frozenNodeSchema),
  missing: z.array(missingNodeSchema),
  /** Some known node is missing. */
  partial: z.boolean(),
});
export type ClusterSnapshot = z.infer<typeof clusterSnapshotSchema>;

/** GET /api/v1/cluster/snapshots: newest first. `isAvailable` false (with `error`) when the hub's store cannot be used. */
export const clusterSnapshotListSchema = z.object({
  snapshots: z.array(clusterSnapshotSchema),
  isAvailable: z.boolean(),
  error: z.string().optional(),
});
export type ClusterSnapshotList = z.infer<typeof clusterSnapshotListSchema>;
