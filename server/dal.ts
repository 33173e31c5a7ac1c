/**
 * The data access layer: the only module app/ calls for data (DESIGN.md §3).
 * Every function here returns contract types (server/contract/), never vendor or internal types.
 * In hub mode (NSATLAS_AGENTS set, docs/hub.md) the dashboard reads no node: the functions over the local agent
 * throw HubModeError instead of starting one (the front server answers those routes with 409 before they run),
 * and clusterSource() gives the hub.
 */
import { createAgent, type Agent } from "./agent/create-agent";
import { processAgent } from "./agent/process-agent";
import { audit } from "./log/logger";
import { getConfig } from "./config";
import type { Health } from "./contract/health";
import type { ChangeSource, ReadSource } from "./http/handlers/read-source";
import type { Lookup } from "./contract/lookups";
import type { Snapshot } from "./contract/snapshot";
import { findContainer, findPod } from "./lookups/find-owner";
import { diffSnapshots } from "./diff/diff-snapshots";
import type { Diff } from "./contract/diff";
import type { History, StoredSnapshot } from "./contract/history";
import { parseImport, type ImportResult } from "./store/parse-import";
import type { Exposure, Exposures } from "./contract/expose";
import { ExposeError, exposeNetns, listExposures, unexposeNetns } from "./expose/expose-netns";
import type { TraceQuery, TraceResult } from "./contract/trace";
import { traceSource } from "./trace/trace-source";
import type { CaptureHost } from "./capture/capture-service";
import type { HubHealth } from "./contract/cluster";
import type { ClusterSource } from "./hub/cluster-source";
import { createHub, type Hub } from "./hub/hub";
import { processHub } from "./hub/process-hub";

/** Thrown by the functions over the local agent in hub mode. Answers match it by name (server/http/answer.ts). */
export class HubModeError extends Error {
  override readonly name = "HubModeError";
}

/** Is this dashboard a hub (NSATLAS_AGENTS set)? */
export function isHubMode(): boolean {
  return getConfig().agents !== undefined;
}

function hub(): Hub {
  return processHub(() => createHub(getConfig()));
}

/** The hub's cluster view, or undefined when this dashboard is not a hub. */
export function clusterSource(): ClusterSource | undefined {
  return isHubMode() ? hub() : undefined;
}

/** Is the agent up, on which node, and which container engines answered; in hub mode, the hub's state too. */
export function getHealth(): Promise<Health | HubHealth> {
  return isHubMode() ? hub().health() : agent().health();
}

function agent(): Agent {
  if (isHubMode()) throw hubModeError();
  return processAgent(() => createAgent(getConfig(), { record: true }));
}

/** Starts the agent, and with it the history's schedule (called once when the server starts); in hub mode, the hub. */
export function startAgent(): void {
  if (isHubMode()) hub();
  else agent();
}

/** A source whose every read refuses: the local-node routes in hub mode never start an agent. */
const hubModeSource: ReadSource & ChangeSource = {
  view: () => Promise.reject(hubModeError()),
  netns: () => Promise.reject(hubModeError()),
  subscribe: () => {
    throw hubModeError();
  },
  since: () => {
    throw hubModeError();
  },
  lastSeq: () => {
    throw hubModeError();
  },
};

function hubModeError(): HubModeError {
  return new HubModeError("this dashboard is a hub (NSATLAS_AGENTS): it reads no node itself; use /api/v1/cluster/… or /api/v1/n/<node>/…");
}

/** `at` names a stored snapshot; without it, the node now. */
export type At = string | undefined;

/** The latest reading of the node (memoised for a short TTL; concurrent callers share one scan), or a stored one. */
export function getSnapshot(at?: At): Promise<Snapshot> {
  return agent().snapshot(at);
}

/** What the snapshot and namespace routes read from (server/http/handlers). */
export function readSource(): ReadSource {
  return isHubMode() ? hubModeSource : agent();
}

/** What the event stream follows (server/http/handlers/event-stream.ts). */
export function changeSource(): ChangeSource {
  return isHubMode() ? hubModeSource : agent();
}

/** The Kubernetes pod and the namespaces it holds, or undefined. */
export async function getPod(namespace: string, name: string, at?: At): Promise<Lookup | undefined> {
  return findPod(await getSnapshot(at), namespace, name);
}

/** A container (standalone or in a pod) by name or id, or undefined. */
export async function getContainer(nameOrId: string, at?: At): Promise<Lookup | undefined> {
  return findContainer(await getSnapshot(at), nameOrId);
}

/** The stored snapshots, oldest first, and the store's state. */
export function listSnapshots(): History {
  return agent().history.list();
}

/** Takes a snapshot now and keeps it; `who` goes to the audit log. */
export async function freezeSnapshot(who: string): Promise<StoredSnapshot> {
  const entry = await agent().history.freeze();
  agent().history.audit("freeze", who, `snapshot ${entry.id}`);
  return entry;
}

/** The largest snapshot file the import accepts, in bytes. */
export function getImportLimit(): number {
  return getConfig().importMaxBytes;
}

/** Stores a snapshot file after checking it; a refusal says why. */
export async function importSnapshot(bytes: Uint8Array, who: string): Promise<ImportResult & { entry?: StoredSnapshot }> {
  const result = parseImport(bytes, getConfig().importMaxBytes);
  if (!result.ok) return result;
  const entry = await agent().history.import(result.snapshot);
  agent().history.audit("import", who, `snapshot ${entry.id} from ${result.snapshot.node.hostname}, ${bytes.length} bytes`);
  return { ...result, entry };
}

/** What changed from a stored snapshot to another one, or to the node now (`to` undefined). */
export async function getDiff(from: string, to?: At): Promise<Diff> {
  const before = await agent().snapshot(from);
  const after = to === undefined ? await agent().service.snapshotWithListeners() : await agent().snapshot(to);
  return diffSnapshots(before, after, { from: false, to: to === undefined });
}

function requireExpose(): void {
  if (!getConfig().allowExpose)
    throw new ExposeError("exposing namespaces to ip netns is off on this agent (it writes to the host): start it with NSATLAS_ALLOW_EXPOSE=true", 403);
}

/** The namespaces this agent exposed under /run/netns, and whether exposing is on. */
export function getExposures(): Exposures {
  const isEnabled = getConfig().allowExpose;
  return { isEnabled, exposures: isEnabled ? agent().history.use((store) => listExposures(store)) : [] };
}

/** Bind-mounts a container's or pod's namespace at /run/netns/<name> (only when enabled; logged). */
export async function exposeNamespace(request: { target: string; name?: string }, who: string): Promise<Exposure> {
  requireExpose();
  const snapshot = await agent().snapshot(undefined, { fresh: true });
  const exposure = agent().history.use((store) => exposeNetns(store, snapshot, request, who));
  agent().history.audit("expose", who, `${request.target} (netns ${exposure.netnsId}) at ${exposure.path}`);
  return exposure;
}

/** Removes an exposure this agent made (never a name it did not make). */
export function unexposeNamespace(name: string, who: string): void {
  requireExpose();
  agent().history.use((store) => unexposeNetns(store, name));
  agent().history.audit("unexpose", who, `/run/netns/${name}`);
}

/** A login attempt, for the audit trail. */
export function auditLogin(isOk: boolean, who: string): void {
  audit(isOk ? "login" : "login-failed", who);
}

/** The token a login form must match, or undefined on a loopback-only agent without one. */
export function getLoginToken(): string | undefined {
  return getConfig().token;
}

/** Where a packet from a namespace to an address goes, as the kernel's routing on the way answers; undefined when `from` is unknown. */
export function traceRoute(query: TraceQuery): Promise<TraceResult | undefined> {
  return traceSource(agent()).trace(query);
}

/** What a packet capture needs from this agent (server/capture/capture-service.ts): the setting, its snapshots, its audit trail. */
export function captureHost(): CaptureHost {
  return {
    isEnabled: getConfig().capture,
    snapshot: (fresh) => agent().snapshot(undefined, { fresh }),
    audit: (who, detail) => agent().history.audit("capture", who, detail),
  };
}
