/**
 * What the cluster routes (server/http/handlers/cluster-handlers.ts) need from the hub: plain data from its cache,
 * and per node the calls that reach the owning agent. Failures are values, not exceptions: the routes run in Next's
 * bundle, where the hub's error classes are other classes.
 */
import type { ClusterNodes, ClusterSearch, ClusterTopology, NodeState } from "../contract/cluster";
import type { Snapshot, SnapshotOverview } from "../contract/snapshot";
import type { FailureKind } from "./agent-client";
import type { ClusterSnapshots } from "./cluster-snapshots";

export interface AgentFailure {
  kind: FailureKind;
  message: string;
  /** The deadline passed. */
  isTimeout: boolean;
}

export type Fetched<T> = { ok: true; value: T } | { ok: false; failure: AgentFailure };

/** An agent's answer on its way through: status, type and the body as it streams (bounded in size and idle time). */
export interface StreamedAnswer {
  status: number;
  contentType: string;
  body: ReadableStream<Uint8Array>;
  /** The answer's headers a proxy hands on (retry-after, content-disposition), when present. */
  headers?: Record<string, string>;
}

/** Bounds of one call to an agent, for the routes whose answers take longer than a page's details (a trace, a capture). */
export interface CallLimits {
  /** Until the answer's headers. */
  timeoutMs: number;
  /** At most this long between two chunks of the body. */
  idleMs: number;
  maxBytes: number;
  /** Sent to the agent as they are (user-agent: who asked, for the agent's audit trail). */
  headers?: Record<string, string>;
}

export interface NodeAccess {
  /** The node's name (as its agent reports it). */
  name: string;
  state: NodeState;
  /** Why it is not up. */
  error: string | undefined;
  /** The overview the hub holds while the node is up (as fresh as the agent's latest change event). */
  cachedOverview(): SnapshotOverview | undefined;
  /** GET `pathAndQuery` from the agent: headers within 2 s, the body streamed (at most 64 MiB, at most 2 s between chunks). */
  get(pathAndQuery: string, signal: AbortSignal, limits?: CallLimits): Promise<Fetched<StreamedAnswer>>;
  /**
   * POST a JSON body to the agent (its POST /api/v1/captures) and stream the answer within `limits`; the signal's abort, or the body
   * cancelled, drops the agent's connection at once (the agent then stops what it runs for the request).
   */
  post(path: string, json: string, signal: AbortSignal, limits: CallLimits): Promise<Fetched<StreamedAnswer>>;
  /** The agent's full snapshot, or stored snapshot `at`, parsed by the contract (within 2 s). */
  snapshot(at: string | undefined, signal: AbortSignal): Promise<Fetched<Snapshot>>;
}

export interface ClusterSource {
  nodes(): ClusterNodes;
  search(query: string): ClusterSearch;
  topology(signal?: AbortSignal): Promise<ClusterTopology>;
  /** The node of that name, or undefined when the hub knows none. */
  forNode(name: string): NodeAccess | undefined;
  /** The frozen cluster snapshots, kept in the hub's store. */
  snapshots: ClusterSnapshots;
}
