/**
 * The data access layer: the only module app/ calls for data (DESIGN.md §3).
 * Every function here returns contract types (server/contract/), never vendor or internal types.
 */
import fs from "node:fs";
import { getConfig } from "./config";
import { missingCapabilities } from "./privileges";
import { healthSchema, type Health } from "./contract/health";
import type { Lookup } from "./contract/lookups";
import type { Netns, Snapshot, SnapshotOverview, SnapshotView } from "./contract/snapshot";
import { findContainer, findPod } from "./lookups/find-owner";
import { NSATLAS_VERSION, nodeInfo, processStartedAt } from "./node-info";
import { probeEngines } from "./runtimes/probe-engines";
import { SnapshotService } from "./snapshot/snapshot-service";
import type { ReadCounts } from "./snapshot/take-snapshot";
import { toOverview } from "./snapshot/to-overview";
import { diffSnapshots } from "./diff/diff-snapshots";
import type { Diff } from "./contract/diff";
import type { History, StoredSnapshot } from "./contract/history";
import { SnapshotHistory } from "./store/snapshot-history";
import { parseImport, type ImportResult } from "./store/parse-import";
import type { Exposure, Exposures } from "./contract/expose";
import { ExposeError, exposeNetns, listExposures, unexposeNetns } from "./expose/expose-netns";

/** Is the agent up, on which node, and which container engines answered. */
export async function getHealth(): Promise<Health> {
  const startedAt = processStartedAt();
  const runtimes = await probeEngines(getConfig());
  const memory = process.memoryUsage();
  return healthSchema.parse({
    version: NSATLAS_VERSION,
    startedAt: startedAt.toISOString(),
    uptimeMs: Math.max(0, Date.now() - startedAt.getTime()),
    node: nodeInfo(),
    runtimes,
    agent: {
      scans: service().scans,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      openFds: fs.readdirSync("/proc/self/fd").length,
      missingCapabilities: missingCapabilities(),
      changeWatch: changeWatch(service().lastReads),
    },
  });
}

function changeWatch(reads: ReadCounts | undefined): Health["agent"]["changeWatch"] {
  if (reads === undefined) return { isOn: getConfig().watchChanges };
  return { ...reads.watch, lastScan: { readInFull: reads.full, countersOnly: reads.countersOnly } };
}

// One snapshot service and one history per process. Kept on globalThis so `next dev` module
// reloads do not start a second reader worker or a second schedule.
const SERVICE_KEY = Symbol.for("nsatlas.snapshot-service");
const HISTORY_KEY = Symbol.for("nsatlas.snapshot-history");
type GlobalWithService = typeof globalThis & { [SERVICE_KEY]?: SnapshotService; [HISTORY_KEY]?: SnapshotHistory };

function service(): SnapshotService {
  const g: GlobalWithService = globalThis;
  g[SERVICE_KEY] ??= new SnapshotService(getConfig());
  return g[SERVICE_KEY];
}

function history(): SnapshotHistory {
  const g: GlobalWithService = globalThis;
  g[HISTORY_KEY] ??= new SnapshotHistory(getConfig(), service());
  return g[HISTORY_KEY];
}

/** Starts recording the node on its schedule (called once when the server starts). */
export function startHistory(): void {
  history().start();
}

export { ExposeError };

/** `at` names a stored snapshot; without it, the node now. */
export type At = string | undefined;

/** Thrown when `at` names no stored snapshot. */
export class UnknownSnapshotError extends Error {}

function stored(at: string): Snapshot {
  const snapshot = history().get(at);
  if (snapshot === undefined) throw new UnknownSnapshotError(`no stored snapshot has the id ${at}`);
  return snapshot;
}

/** The latest reading of the node (memoised for a short TTL; concurrent callers share one scan), or a stored one. */
export async function getSnapshot(at?: At): Promise<Snapshot> {
  return at === undefined ? service().snapshot() : stored(at);
}

/** The snapshot in the form a page asked for (`overview`: without routes and counters). */
export async function getSnapshotView(at: At, view: SnapshotView): Promise<Snapshot | SnapshotOverview> {
  const snapshot = await getSnapshot(at);
  return view === "overview" ? toOverview(snapshot) : snapshot;
}

/** One namespace with its listening sockets, or undefined when no namespace has that id. */
export async function getNetns(id: string, at?: At): Promise<Netns | undefined> {
  return at === undefined ? service().netns(id) : stored(at).netns.find((n) => n.id === id);
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
  return history().list();
}

/** Takes a snapshot now and keeps it; `who` goes to the audit log. */
export async function freezeSnapshot(who: string): Promise<StoredSnapshot> {
  const entry = await history().freeze();
  history().audit("freeze", who, `snapshot ${entry.id}`);
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
  const entry = await history().import(result.snapshot);
  history().audit("import", who, `snapshot ${entry.id} from ${result.snapshot.node.hostname}, ${bytes.length} bytes`);
  return { ...result, entry };
}

/** What changed from a stored snapshot to another one, or to the node now (`to` undefined). */
export async function getDiff(from: string, to?: At): Promise<Diff> {
  const before = stored(from);
  const after = to === undefined ? await service().snapshotWithListeners() : stored(to);
  return diffSnapshots(before, after, { from: false, to: to === undefined });
}

function requireExpose(): void {
  if (!getConfig().allowExpose)
    throw new ExposeError("exposing namespaces to ip netns is off on this agent (it writes to the host): start it with NSATLAS_ALLOW_EXPOSE=true", 403);
}

/** The namespaces this agent exposed under /run/netns, and whether exposing is on. */
export function getExposures(): Exposures {
  const isEnabled = getConfig().allowExpose;
  return { isEnabled, exposures: isEnabled ? history().use((store) => listExposures(store)) : [] };
}

/** Bind-mounts a container's or pod's namespace at /run/netns/<name> (only when enabled; logged). */
export async function exposeNamespace(request: { target: string; name?: string }, who: string): Promise<Exposure> {
  requireExpose();
  const snapshot = await service().snapshot({ fresh: true });
  const exposure = history().use((store) => exposeNetns(store, snapshot, request, who));
  history().audit("expose", who, `${request.target} (netns ${exposure.netnsId}) at ${exposure.path}`);
  return exposure;
}

/** Removes an exposure this agent made (never a name it did not make). */
export function unexposeNamespace(name: string, who: string): void {
  requireExpose();
  history().use((store) => unexposeNetns(store, name));
  history().audit("unexpose", who, `/run/netns/${name}`);
}

/** The token a login form must match, or undefined on a loopback-only agent without one. */
export function getLoginToken(): string | undefined {
  return getConfig().token;
}
