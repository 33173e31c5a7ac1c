/**
 * The processes a benchmark started that outlive it when it dies without cleaning up (SIGKILL, the OOM
 * killer, a lost terminal): the namespace holders ScaleLab detaches, an agent it spawned. Each is written
 * down with its start time while it runs; the next run of the same benchmark kills those still there,
 * and only those: a pid with another start time is someone else's process now.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { processStartTicks } from "./proc-usage";

const entriesSchema = z.array(z.object({ pid: z.number().int().positive(), startTicks: z.number().int().nonnegative() }));
type Entry = z.infer<typeof entriesSchema>[number];

export class ProcessLedger {
  private readonly file: string;
  private entries: Entry[] = [];

  constructor(name: string) {
    this.file = path.join(os.tmpdir(), `nsatlas-${name}.processes.json`);
  }

  /** Kills what a run that died recorded and is still running (same pid, same start time); returns how many. */
  reapLeftovers(): number {
    let left: Entry[] = [];
    try {
      left = entriesSchema.parse(JSON.parse(fs.readFileSync(this.file, "utf8")));
    } catch {
      // no ledger (the last run cleaned up), or an unreadable one: nothing known to reap
    }
    let killed = 0;
    for (const { pid, startTicks } of left) {
      if (processStartTicks(pid) !== startTicks) continue;
      try {
        process.kill(pid, "SIGKILL");
        killed++;
      } catch {
        // gone meanwhile
      }
    }
    fs.rmSync(this.file, { force: true });
    return killed;
  }

  add(pids: number[]): void {
    for (const pid of pids) {
      const startTicks = processStartTicks(pid);
      if (startTicks !== undefined && !this.entries.some((e) => e.pid === pid)) this.entries.push({ pid, startTicks });
    }
    this.write();
  }

  remove(pids: number[]): void {
    this.entries = this.entries.filter((e) => !pids.includes(e.pid));
    this.write();
  }

  /** Everything recorded is known to be gone (the benchmark cleaned up). */
  clear(): void {
    this.entries = [];
    this.write();
  }

  private write(): void {
    if (this.entries.length === 0) fs.rmSync(this.file, { force: true });
    else fs.writeFileSync(this.file, JSON.stringify(this.entries));
  }
}
