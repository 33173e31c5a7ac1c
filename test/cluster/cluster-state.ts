import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { isStillOurs, type StartedProcess } from "../lab/lab-state";
import { sleep } from "../lab/sh";
import type { ClusterConfig } from "./cluster-config";
import { isAlive, startTimeOf } from "./proc";

/**
 * What teardown needs even after a failed or half-finished up: every process the cluster started, written
 * the moment it starts (the manifest is written only once everything is up).
 */
const stateSchema = z.object({
  processes: z.array(z.object({ role: z.string(), pid: z.number().int().positive(), command: z.string() })).default([]),
  /** Set when /run/netns was not a mount point before the cluster's first `ip netns add` made it one. */
  runNetnsMountedByCluster: z.boolean().optional(),
});
export type ClusterState = z.infer<typeof stateSchema>;

function statePath(config: ClusterConfig): string {
  return path.join(config.stateDir, "state.json");
}

export function readClusterState(config: ClusterConfig): ClusterState {
  const file = statePath(config);
  if (!fs.existsSync(file)) return stateSchema.parse({});
  return stateSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
}

export function writeClusterState(config: ClusterConfig, state: ClusterState): void {
  fs.mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(statePath(config), JSON.stringify(state, null, 2));
}

export function recordClusterProcess(config: ClusterConfig, proc: StartedProcess): void {
  const state = readClusterState(config);
  writeClusterState(config, { ...state, processes: [...state.processes.filter((p) => p.role !== proc.role), proc] });
}

export function forgetClusterProcess(config: ClusterConfig, role: string): void {
  const state = readClusterState(config);
  writeClusterState(config, { ...state, processes: state.processes.filter((p) => p.role !== role) });
}

/**
 * SIGKILLs a process the cluster started, only if its PID still runs the same command, and waits until it
 * has fully exited: not merely until its command line empties (that happens before the kernel closes its
 * files, so its listening socket would still take a connection and then reset it).
 */
export async function killOurs(proc: StartedProcess, timeoutMs = 5000): Promise<void> {
  if (!isStillOurs(proc)) return;
  const started = startTimeOf(proc.pid);
  try {
    process.kill(proc.pid, "SIGKILL");
  } catch {
    return; // already gone
  }
  const until = Date.now() + timeoutMs;
  while (isAlive(proc.pid) && startTimeOf(proc.pid) === started) {
    if (Date.now() > until) throw new Error(`process ${proc.pid} (${proc.role}) survived SIGKILL for ${timeoutMs} ms`);
    await sleep(10);
  }
}

export { isStillOurs };
