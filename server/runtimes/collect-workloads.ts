import fs from "node:fs";
import type { RuntimeStatus } from "../contract/runtime-status";
import { readNsLink } from "../discover/ns-link";
import { askEngine, type EngineCall } from "./ask-engine";
import type { RuntimeAdapter } from "./runtime";
import type { Workload } from "./workload";

export interface PlacedWorkload extends Workload {
  /** The namespace it lives in, when it could be told. */
  netnsId?: string;
}

/** What the engines said in one pass: their workloads, and one status per engine endpoint. */
export interface EngineReading {
  workloads: Workload[];
  runtimes: RuntimeStatus[];
}

/** Where an EngineWatch gets its readings: a fixed list of adapters, or the engines discovery finds (EngineLocator). */
export interface EngineSource {
  /**
   * Asks every engine for its workloads, each under the deadline. `answeredBefore` tells which endpoints
   * answered earlier in this agent's life (a discovered engine that stopped is reported at its old socket).
   */
  collect(deadlineMs: number, answeredBefore: (endpoint: string) => boolean): Promise<EngineReading>;
  close(): void;
}

/** The workload listing of a snapshot. */
export const WORKLOADS_CALL: EngineCall<Workload[]> = {
  call: (adapter, signal) => adapter.listWorkloads(signal),
  // A CRI adapter knows which runtime answered once it asked (its name may change from containerd-cri to cri-o).
  answered: (adapter) => ({ name: adapter.name }),
};

/**
 * Asks every engine for its workloads, concurrently, each under its own deadline: an engine that is
 * absent, refuses or hangs costs at most one deadline and becomes a status, never a failed snapshot.
 */
export async function collectWorkloads(adapters: RuntimeAdapter[], deadlineMs: number): Promise<EngineReading> {
  const answers = await Promise.all(adapters.map((adapter) => askEngine(adapter, deadlineMs, WORKLOADS_CALL)));
  return { workloads: answers.flatMap((a) => a.value ?? []), runtimes: answers.map((a) => a.status) };
}

/** A fixed list of adapters as an engine source (tests, benchmarks). */
export function fixedEngines(adapters: RuntimeAdapter[]): EngineSource {
  return {
    collect: (deadlineMs) => collectWorkloads(adapters, deadlineMs),
    close() {
      for (const a of adapters) a.close();
    },
  };
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
