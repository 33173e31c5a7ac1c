/**
 * The data access layer: the only module app/ calls for data (DESIGN.md §3).
 * Every function here returns contract types (server/contract/), never vendor or internal types.
 */
import { getConfig } from "./config";
import { healthSchema, type Health } from "./contract/health";
import type { Lookup } from "./contract/lookups";
import type { Netns, Snapshot } from "./contract/snapshot";
import { findContainer, findPod } from "./lookups/find-owner";
import { NSATLAS_VERSION, nodeInfo, processStartedAt } from "./node-info";
import { probeEngines } from "./runtimes/probe-engines";
import { SnapshotService } from "./snapshot/snapshot-service";

/** Is the agent up, on which node, and which container engines answered. */
export async function getHealth(): Promise<Health> {
  const startedAt = processStartedAt();
  const runtimes = await probeEngines(getConfig());
  return healthSchema.parse({
    version: NSATLAS_VERSION,
    startedAt: startedAt.toISOString(),
    uptimeMs: Math.max(0, Date.now() - startedAt.getTime()),
    node: nodeInfo(),
    runtimes,
  });
}

// One snapshot service per process. Kept on globalThis so `next dev` module reloads do not start
// a second reader worker.
const SERVICE_KEY = Symbol.for("nsatlas.snapshot-service");
type GlobalWithService = typeof globalThis & { [SERVICE_KEY]?: SnapshotService };

function service(): SnapshotService {
  const g: GlobalWithService = globalThis;
  g[SERVICE_KEY] ??= new SnapshotService(getConfig());
  return g[SERVICE_KEY];
}

/** The latest reading of the node (memoised for a short TTL; concurrent callers share one scan). */
export function getSnapshot(): Promise<Snapshot> {
  return service().snapshot();
}

/** One namespace with its listening sockets, or undefined when no namespace has that id. */
export function getNetns(id: string): Promise<Netns | undefined> {
  return service().netns(id);
}

/** The Kubernetes pod and the namespaces it holds, or undefined. */
export async function getPod(namespace: string, name: string): Promise<Lookup | undefined> {
  return findPod(await getSnapshot(), namespace, name);
}

/** A container (standalone or in a pod) by name or id, or undefined. */
export async function getContainer(nameOrId: string): Promise<Lookup | undefined> {
  return findContainer(await getSnapshot(), nameOrId);
}
