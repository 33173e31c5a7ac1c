/**
 * The kernel floor: ../shared/tools/nsdump.c (setns + socket + link, address and route dumps per
 * namespace, in C), built when present. Shared by the benchmarks that compare against it.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const NSDUMP_SRC = path.resolve(ROOT, "../shared/tools/nsdump.c");

/** Builds nsdump into a temporary file; undefined (and says why) when the source or gcc is missing. Remove it with removeFloor. */
export function buildFloor(who = "bench"): string | undefined {
  if (!fs.existsSync(NSDUMP_SRC)) {
    console.log(`${who}: ${NSDUMP_SRC} not found: no kernel-floor column (it is part of ../shared/tools)`);
    return undefined;
  }
  const bin = path.join(os.tmpdir(), `nsdump-${process.pid}`);
  const r = spawnSync("gcc", ["-O2", "-pthread", "-o", bin, NSDUMP_SRC], { encoding: "utf8" });
  if (r.status !== 0) {
    console.log(`${who}: could not build nsdump: ${r.stderr}`);
    return undefined;
  }
  return bin;
}

const floorSchema = z
  .object({ wall_ms: z.number(), user_ms: z.number(), sys_ms: z.number(), links: z.number(), addrs: z.number(), routes: z.number() })
  .loose();

/** One nsdump pass over `paths` (namespace files): its own wall time and CPU time (user + sys) in ms, process start excluded. */
export function floorRun(bin: string, paths: string[]): { wallMs: number; cpuMs: number } {
  const list = path.join(os.tmpdir(), `nsdump-list-${process.pid}`);
  fs.writeFileSync(list, `${paths.join("\n")}\n`);
  try {
    const r = spawnSync(bin, ["sock", list], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`nsdump failed: ${r.stderr}`);
    const out = floorSchema.parse(JSON.parse(r.stdout));
    return { wallMs: out.wall_ms, cpuMs: out.user_ms + out.sys_ms };
  } finally {
    fs.rmSync(list, { force: true });
  }
}

export function removeFloor(bin: string | undefined): void {
  if (bin !== undefined) fs.rmSync(bin, { force: true });
}
