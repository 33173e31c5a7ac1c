import fs from "node:fs";
import type { RuntimeStatus } from "../contract/runtime-status";
import { readNsLink } from "../discover/ns-link";
import { answeringEngineStatus, failedEngineStatus } from "./classify-engine-error";
import { withDeadline } from "./deadline";
import type { RuntimeAdapter } from "./runtime";
import type { Workload } from "./workload";

export interface PlacedWorkload extends Workload {
  /** The namespace it lives in, when it could be told. */
  netnsId?: string;
}

/**
 * Asks every engine for its workloads, concurrently, each under its own deadline: an engine that is
 * absent, refuses or hangs costs at most one deadline and becomes a status, never a failed snapshot.
 */
export async function collectWorkloads(adapters: RuntimeAdapter[], deadlineMs: number): Promise<{ workloads: Workload[]; runtimes: RuntimeStatus[] }> {
  const answers = await Promise.all(
    adapters.map(async (adapter) => {
      const started = performance.now();
      const latencyMs = () => Math.round((performance.now() - started) * 10) / 10;
      try {
        const workloads = await withDeadline(deadlineMs, (signal) => adapter.listWorkloads(signal));
        return { workloads, status: answeringEngineStatus({ name: adapter.name, endpoint: adapter.endpoint, timeoutMs: deadlineMs, latencyMs: latencyMs() }) };
      } catch (err) {
        // Every failure becomes a documented state (and a log line), never a failed snapshot.
        return {
          workloads: [],
          status: failedEngineStatus({ name: adapter.name, endpoint: adapter.endpoint, timeoutMs: deadlineMs, latencyMs: latencyMs() }, err),
        };
      }
    }),
  );
  return { workloads: answers.flatMap((a) => a.workloads), runtimes: answers.map((a) => a.status) };
}

/**
 * Tells which namespace each workload lives in: through its process (/proc/PID/ns/net), else its
 * namespace file, else the container whose namespace it joined (`--network container:<id>`).
 */
export function placeWorkloads(workloads: Workload[], proc = "/proc"): PlacedWorkload[] {
  const placed: PlacedWorkload[] = workloads.map((w) => {
    const viaPid = w.pid === undefined ? undefined : readNsLink(`${proc}/${w.pid}/ns/net`);
    if (viaPid !== undefined) return { ...w, netnsId: viaPid };
    const viaPath = w.netnsPath ? fs.statSync(w.netnsPath, { throwIfNoEntry: false })?.ino : undefined;
    return viaPath === undefined ? { ...w } : { ...w, netnsId: String(viaPath) };
  });
  const byId = new Map(placed.map((w) => [w.id, w]));
  for (const w of placed) {
    if (w.netnsId !== undefined || !w.networkMode?.startsWith("container:")) continue;
    const target = w.networkMode.slice("container:".length);
    const joined = byId.get(target) ?? placed.find((o) => o.id.startsWith(target) || o.name === target);
    if (joined?.netnsId !== undefined) w.netnsId = joined.netnsId;
  }
  return placed;
}
