/**
 * The data access layer: the only module app/ calls for data (DESIGN.md §3).
 * Every function here returns contract types (server/contract/), never vendor or internal types.
 */
import { getConfig } from "./config";
import { healthSchema, type Health } from "./contract/health";
import { NSATLAS_VERSION, nodeInfo, processStartedAt } from "./node-info";
import { probeEngines } from "./runtimes/probe-engines";

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
