import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { LabConfig } from "./lab-config";

/** Processes the lab started and must stop (by PID, after checking it is still the same program). */
const startedProcessSchema = z.object({ role: z.string(), pid: z.number().int().positive(), command: z.string() });
export type StartedProcess = z.infer<typeof startedProcessSchema>;

const stateSchema = z.object({
  processes: z.array(startedProcessSchema).default([]),
  /** Set when the lab started dockerd, with what dockerd's start changed that lab:down must undo. */
  dockerd: z.object({ pid: z.number().int(), hadDocker0: z.boolean(), hadDockerChains: z.boolean(), forwardPolicy: z.string() }).optional(),
  /** Set when /run/netns was not a mount point before the lab's first `ip netns add` made it one. */
  runNetnsMountedByLab: z.boolean().optional(),
});
export type LabState = z.infer<typeof stateSchema>;

function statePath(config: LabConfig): string {
  return path.join(config.stateDir, "state.json");
}

export function readState(config: LabConfig): LabState {
  const file = statePath(config);
  if (!fs.existsSync(file)) return stateSchema.parse({});
  return stateSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
}

export function writeState(config: LabConfig, state: LabState): void {
  fs.mkdirSync(config.stateDir, { recursive: true });
  fs.writeFileSync(statePath(config), JSON.stringify(state, null, 2));
}

export function recordProcess(config: LabConfig, proc: StartedProcess): void {
  const state = readState(config);
  state.processes = [...state.processes.filter((p) => p.role !== proc.role), proc];
  writeState(config, state);
}

/** The command line of a PID, or undefined when it is gone. */
function cmdlineOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return undefined;
  }
}

/** Is `pid` still the process the lab started (not a recycled PID)? */
export function isStillOurs(proc: StartedProcess): boolean {
  const cmd = cmdlineOf(proc.pid);
  return cmd !== undefined && cmd.startsWith(proc.command);
}
