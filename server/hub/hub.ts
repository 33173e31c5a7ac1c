/**
 * The hub (docs/hub.md): a dashboard started with NSATLAS_AGENTS. It reads no node itself. It finds the node agents
 * (resolve-agents.ts), follows each one (node-follower.ts: health, event stream, overview re-read on every change),
 * and keeps in memory, per node, the latest overview and its search index; on disk only the frozen cluster snapshots
 * (cluster-snapshots.ts), once someone froze the cluster.
 * nodes() and search() answer from that cache at once, whatever the agents do; topology() adds each node's routes,
 * read on demand (2 s) and kept until the node's overview changes; forNode() reaches one agent for a page's details.
 */
import fs from "node:fs";
import type { Config } from "../config";
import { hubHealthSchema, nodeLinks, type ClusterNode, type HubHealth, type HubStatus, type NodeState } from "../contract/cluster";
import type { Readiness } from "../contract/health";
import type { Route } from "../contract/snapshot";
import { problemResponse } from "../http/json";
import { errorFields, logger } from "../log/logger";
import { hubMetricsState } from "../metrics/hub-state";
import { NSATLAS_VERSION, nodeInfo, processStartedAt } from "../node-info";
import { AgentClient, AgentError, HUB_CONTRACT_MAJOR, LIMITS } from "./agent-client";
import type { AgentFailure, CallLimits, ClusterSource, Fetched, NodeAccess, StreamedAnswer } from "./cluster-source";
import type { FreezeLimits, FreezeTarget } from "./cluster-freeze";
import { clusterLinks, type NodeFacts } from "./cluster-links";
import { createClusterSnapshots } from "./cluster-snapshots";
import { NodeFollower, type FollowerOptions } from "./node-follower";
import { AgentDirectory, type DirectoryOptions, type Endpoint } from "./resolve-agents";
import { searchIndexes } from "./search-index";
import { streamAnswer } from "./stream-answer";

/** How long a node whose address left the DNS answer stays listed (as unreachable) unless it shows up elsewhere. */
export const GONE_RETENTION_MS = 10 * 60_000;

export interface Hub extends ClusterSource {
  readiness(): Readiness;
  status(): HubStatus;
  health(): Promise<HubHealth>;
  /** The answer for a route that reads the local node (the hub reads none), or undefined for any other path. */
  refuse(pathname: string): Response | undefined;
  close(): void;
}

export interface HubOptions {
  directory?: DirectoryOptions;
  follower?: Omit<FollowerOptions, "onUpdate" | "onEvent">;
  /** Bounds of each node's read when the cluster is frozen (cluster-freeze.ts's by default). */
  freeze?: FreezeLimits;
}

interface Followed {
  follower: NodeFollower;
  client: AgentClient;
  /** When its address left the DNS answer. */
  goneAt: number | undefined;
  /** The state last logged. */
  logged: NodeState;
  /** The host namespace's routes, read for the topology, and the overview they go with. */
  routes: { overviewId: string; routes: Route[] } | undefined;
}

/** The single-node API routes: a hub answers them with 409 (it reads no node). */
const LOCAL_ROUTE = /^\/api\/v1\/(snapshot|snapshots|netns|pods|containers|events|diff|expose|unexpose|trace|captures)(\/|$)/;

function failureOf(err: unknown): AgentFailure {
  if (err instanceof AgentError) return { kind: err.kind, message: err.message, isTimeout: err.isTimeout };
  return { kind: "error", message: err instanceof Error ? err.message : String(err), isTimeout: false };
}

/** Headers of an agent's answer that a proxy hands on. */
const HANDED_ON = ["retry-after", "content-disposition"] as const;

/** One call to an agent, its answer streamed within `limits`; the signal aborts it before and after the headers. */
async function call(client: AgentClient, path: string, json: string | undefined, signal: AbortSignal, limits: CallLimits): Promise<Fetched<StreamedAnswer>> {
  try {
    const res = await client.request(path, { timeoutMs: limits.timeoutMs, signal, ...(limits.headers === undefined ? {} : { headers: limits.headers }), json });
    const body = streamAnswer(res, { maxBytes: limits.maxBytes, idleMs: limits.idleMs });
    if (signal.aborted) res.destroy();
    else signal.addEventListener("abort", () => res.destroy(), { once: true });
    const headers: Record<string, string> = {};
    for (const name of HANDED_ON) {
      const value = res.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    return {
      ok: true,
      value: { status: res.statusCode ?? 502, contentType: String(res.headers["content-type"] ?? "application/octet-stream"), body, headers },
    };
  } catch (err) {
    return { ok: false, failure: failureOf(err) };
  }
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

function podCount(f: NodeFollower): number {
  const pods = new Set<string>();
  for (const n of f.overview?.netns ?? []) for (const o of n.owners) if (o.kind === "kubernetes-pod") pods.add(o.name);
  return pods.size;
}

/** Up before stale before the rest; then the most recently heard. */
function preference(f: NodeFollower): number {
  return f.status.state === "up" ? 2 : f.status.state === "stale" ? 1 : 0;
}

export function createHub(config: Config, options: HubOptions = {}): Hub {
  const entries = config.agents;
  if (entries === undefined) throw new Error("createHub needs NSATLAS_AGENTS");
  const log = logger().child({ component: "hub" });
  const followed = new Map<string, Followed>();
  const metrics = hubMetricsState();
  let isClosed = false;

  const onUpdate = (f: Followed) => {
    const { state, error } = f.follower.status;
    if (state === f.logged) return;
    const fields = { node: f.follower.name, address: f.follower.address, state, from: f.logged, ...(error === undefined ? {} : { error }) };
    if (state === "up") log.info(fields, "node agent up");
    else if (f.logged === "up" || f.logged === "connecting") log.warn(fields, "node agent not up");
    else log.debug(fields, "node agent state");
    f.logged = state;
  };

  function follow(endpoint: Endpoint): void {
    const client = new AgentClient(endpoint.url, config.agentToken);
    const entry: Followed = {
      client,
      goneAt: undefined,
      logged: "connecting",
      routes: undefined,
      // The callbacks run only once the follower has started, below.
      follower: new NodeFollower(endpoint.url, endpoint.source, client, {
        ...options.follower,
        onUpdate: () => onUpdate(entry),
        onEvent: () => {
          metrics.eventsTotal += 1;
        },
      }),
    };
    const { follower } = entry;
    followed.set(endpoint.url, entry);
    follower.start();
  }

  function onEndpoints(endpoints: Endpoint[]): void {
    if (isClosed) return;
    const now = new Set(endpoints.map((e) => e.url));
    for (const e of endpoints) {
      const known = followed.get(e.url);
      if (known !== undefined && known.goneAt === undefined) continue;
      // Back in the DNS answer: follow it afresh.
      if (known !== undefined) followed.delete(e.url);
      follow(e);
    }
    for (const [url, f] of followed) {
      if (now.has(url) || f.goneAt !== undefined) continue;
      f.goneAt = Date.now();
      f.follower.retire(`its address left the answer of ${f.follower.source}`);
      f.client.close();
    }
    log.info({ agents: endpoints.length }, "node agents resolved");
  }

  /** Drops nodes gone from the DNS answer for long, or whose name an agent that is there now reports. */
  function purge(): void {
    const live = new Set([...followed.values()].filter((f) => f.goneAt === undefined && f.follower.isNameKnown).map((f) => f.follower.name));
    for (const [url, f] of followed) {
      if (f.goneAt === undefined) continue;
      if (Date.now() - f.goneAt > GONE_RETENTION_MS || live.has(f.follower.name)) followed.delete(url);
    }
  }

  function all(): NodeFollower[] {
    purge();
    return [...followed.values()].map((f) => f.follower).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.address < b.address ? -1 : 1));
  }

  function describe(f: NodeFollower): ClusterNode {
    const { status } = f;
    return {
      name: f.name,
      isNameKnown: f.isNameKnown,
      state: status.state,
      stateSince: new Date(status.since).toISOString(),
      address: f.address,
      source: f.source,
      version: f.version ?? null,
      netnsCount: f.overview?.netns.length ?? 0,
      podCount: podCount(f),
      takenAt: f.overview?.takenAt ?? null,
      lastSeen: iso(status.lastSeen),
      ...(status.state === "up" || status.error === undefined ? {} : { error: status.error }),
      links: nodeLinks(f.name),
    };
  }

  function counts(): Record<NodeState, number> {
    const c: Record<NodeState, number> = { connecting: 0, up: 0, stale: 0, unreachable: 0, unauthorized: 0, "version-mismatch": 0, error: 0 };
    for (const f of all()) c[f.status.state] += 1;
    return c;
  }

  /** The node's routes for the topology: kept while its overview is the same, else read again (2 s). */
  async function routesOf(f: Followed, signal: AbortSignal | undefined): Promise<Route[]> {
    const overviewId = f.follower.overview?.id;
    if (overviewId !== undefined && f.routes?.overviewId === overviewId) return f.routes.routes;
    const snapshot = await f.client.snapshot(undefined, signal, LIMITS.detailMs);
    const routes = snapshot.netns.find((n) => n.isHost)?.routes ?? [];
    if (overviewId !== undefined) f.routes = { overviewId, routes };
    return routes;
  }

  function access(f: Followed): NodeAccess {
    const { follower, client } = f;
    return {
      name: follower.name,
      state: follower.status.state,
      error: follower.status.error,
      cachedOverview: () => (follower.status.state === "up" ? follower.overview : undefined),
      get(pathAndQuery, signal, limits): Promise<Fetched<StreamedAnswer>> {
        return call(client, pathAndQuery, undefined, signal, limits ?? { timeoutMs: LIMITS.detailMs, idleMs: LIMITS.detailMs, maxBytes: LIMITS.snapshotBytes });
      },
      post(path, json, signal, limits): Promise<Fetched<StreamedAnswer>> {
        return call(client, path, json, signal, limits);
      },
      async snapshot(at, signal) {
        try {
          return { ok: true, value: await client.snapshot(at, signal, LIMITS.detailMs) };
        } catch (err) {
          return { ok: false, failure: failureOf(err) };
        }
      },
    };
  }

  /** Of the agents reporting that node name: one still in the DNS answer, up before stale before the rest, then the one heard last. */
  function bestFor(name: string): Followed | undefined {
    const candidates = [...followed.values()].filter((f) => f.follower.name === name);
    candidates.sort(
      (a, b) =>
        Number(a.goneAt !== undefined) - Number(b.goneAt !== undefined) ||
        preference(b.follower) - preference(a.follower) ||
        (b.follower.status.lastSeen ?? 0) - (a.follower.status.lastSeen ?? 0),
    );
    return candidates[0];
  }

  /** Every known node, to be read for a frozen cluster snapshot; one whose agent refuses the hub is not asked. */
  function freezeTargets(): FreezeTarget[] {
    return [...new Set(all().map((f) => f.name))].flatMap((name) => {
      const f = bestFor(name);
      if (f === undefined) return [];
      const { state, error } = f.follower.status;
      return [
        {
          name,
          skip: state === "unauthorized" || state === "version-mismatch" ? `${state}: ${error ?? state}` : undefined,
          async read(limits) {
            try {
              return { ok: true, snapshot: await f.client.completeSnapshot(limits.timeoutMs, limits.maxBytes) };
            } catch (err) {
              const failure = failureOf(err);
              return { ok: false, reason: `${failure.kind}: ${failure.message}` };
            }
          },
        },
      ];
    });
  }

  const snapshots = createClusterSnapshots(config, freezeTargets, options.freeze);
  const directory = new AgentDirectory(entries, onEndpoints, options.directory);
  metrics.nodeStates = counts;
  directory.start().catch((err: unknown) => log.error({ err: errorFields(err) }, "resolving the node agents failed"));
  log.info({ agents: entries.map((e) => e.entry), contractMajor: HUB_CONTRACT_MAJOR }, "hub mode: following node agents");

  const hub: Hub = {
    readiness() {
      const pending = directory.isResolved ? [] : [`the first resolution of ${entries.map((e) => e.entry).join(", ")} has not finished`];
      return { isReady: pending.length === 0, notReady: pending };
    },
    nodes() {
      return { nodes: all().map(describe), sources: directory.sources() };
    },
    search(query) {
      const nodes = all();
      const up = nodes.filter((f) => f.status.state === "up" && f.index !== undefined);
      const missing = [...new Set(nodes.filter((f) => !up.includes(f)).map((f) => f.name))];
      const { results, truncated } = searchIndexes(
        up.flatMap((f) => (f.index === undefined ? [] : [f.index])),
        query,
      );
      return { query: query.trim(), results, truncated, partial: missing.length > 0, missing };
    },
    async topology(signal) {
      const nodes = all();
      const missing = new Set(nodes.filter((f) => f.status.state !== "up" || f.overview === undefined).map((f) => f.name));
      const notes: string[] = [];
      const live = [...followed.values()].filter((f) => f.follower.status.state === "up" && f.follower.overview !== undefined);
      const facts = await Promise.all(
        live.map(async (f): Promise<NodeFacts> => {
          const host = f.follower.overview?.netns.find((n) => n.isHost);
          let routes: Route[] | undefined;
          try {
            routes = await routesOf(f, signal);
          } catch (err) {
            missing.add(f.follower.name);
            notes.push(`${f.follower.name}: its routes could not be read (${failureOf(err).message})`);
          }
          return { name: f.follower.name, interfaces: host?.interfaces ?? [], routes };
        }),
      );
      const derived = clusterLinks(facts.sort((a, b) => (a.name < b.name ? -1 : 1)));
      return {
        nodes: nodes.map(describe),
        links: derived.links,
        partial: missing.size > 0,
        missing: [...missing].sort(),
        notes: [...notes, ...derived.notes],
      };
    },
    forNode(name) {
      const best = bestFor(name);
      return best === undefined ? undefined : access(best);
    },
    snapshots,
    status() {
      return {
        isResolved: directory.isResolved,
        nodes: counts(),
        sources: directory.sources(),
        eventsReceived: metrics.eventsTotal,
        contractMajor: HUB_CONTRACT_MAJOR,
      };
    },
    async health() {
      const startedAt = processStartedAt();
      const memory = process.memoryUsage();
      return hubHealthSchema.parse({
        version: NSATLAS_VERSION,
        startedAt: startedAt.toISOString(),
        uptimeMs: Math.max(0, Date.now() - startedAt.getTime()),
        node: nodeInfo(config.nodeName),
        runtimes: [],
        agent: {
          scans: 0,
          rssBytes: memory.rss,
          heapUsedBytes: memory.heapUsed,
          openFds: fs.readdirSync("/proc/self/fd").length,
          missingCapabilities: [],
          changeWatch: { isOn: false, reason: "hub mode: this dashboard reads no node; its agents do" },
        },
        hub: hub.status(),
      });
    },
    refuse(pathname) {
      if (!LOCAL_ROUTE.test(pathname)) return undefined;
      return problemResponse(
        409,
        "This dashboard is a hub",
        "in hub mode (NSATLAS_AGENTS) the dashboard reads no node itself: use /api/v1/cluster/nodes, /api/v1/cluster/search?q=, " +
          "/api/v1/cluster/topology, /api/v1/cluster/captures, /api/v1/cluster/snapshots (frozen cluster snapshots), or /api/v1/n/<node>/snapshot, " +
          "/netns/<id>, /pods/<namespace>/<name>, /containers/<name> (each with ?at=<cluster snapshot id>), /trace, /captures (docs/hub.md)",
      );
    },
    close() {
      isClosed = true;
      directory.close();
      snapshots.close();
      for (const f of followed.values()) {
        f.follower.close();
        f.client.close();
      }
      if (metrics.nodeStates === counts) metrics.nodeStates = undefined;
    },
  };
  return hub;
}
