/** What a process costs, read from /proc: CPU time (every thread, exited ones included) and resident memory. */
import fs from "node:fs";
import os from "node:os";

/** Clock ticks a second (USER_HZ): the unit of /proc's CPU times; 100 on every Linux architecture nsatlas runs on. */
const TICKS_PER_SECOND = 100;

/**
 * Field `n` (numbered from 1, as in proc(5)) of a /proc/<pid>/stat line, as a number. The command name
 * (field 2) may hold spaces and parentheses, so fields are counted from its last ")".
 */
export function statField(stat: string, n: number): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const value = Number(fields[n - 3]);
  if (!Number.isFinite(value)) throw new Error(`cannot read field ${n} of /proc/<pid>/stat on ${os.release()}`);
  return value;
}

export const ticksToMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;

/**
 * CPU time (user + sys) of a live process, in ms: every thread of it, those that already exited included.
 * The live threads' time comes from their schedstat (nanoseconds: a request of a few tens of ms is not
 * lost in 10 ms ticks); the exited threads' from the ticks /proc/<pid>/stat keeps for the whole thread
 * group, less the live threads' ticks.
 */
export function processCpuMs(pid: number): number {
  const group = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  let exitedTicks = statField(group, 14) + statField(group, 15);
  let liveNs = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const ns = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      const task = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      if (!Number.isFinite(ns)) throw new Error(`cannot read /proc/${pid}/task/${tid}/schedstat on ${os.release()}`);
      liveNs += ns;
      exitedTicks -= statField(task, 14) + statField(task, 15);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ESRCH") throw err;
      // the thread exited meanwhile: its time is in the group's ticks
    }
  }
  return liveNs / 1e6 + ticksToMs(Math.max(0, exitedTicks));
}

/** When a process started, in clock ticks after boot (field 22): with the pid, names one process for good. */
export function processStartTicks(pid: number): number | undefined {
  try {
    return statField(fs.readFileSync(`/proc/${pid}/stat`, "utf8"), 22);
  } catch {
    return undefined; // gone
  }
}

/** Resident memory of a whole process (all its threads share it), in bytes, from /proc/<pid>/status. */
export interface ProcessMemory {
  /** VmRSS = RssAnon + RssFile + RssShmem. */
  rss: number;
  anon: number;
  file: number;
  shmem: number;
  /** VmHWM: the most VmRSS has been. */
  peak: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kB = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(status);
    if (m?.[1] === undefined) throw new Error(`no ${key} in /proc/${pid}/status`);
    return Number(m[1]) * 1024;
  };
  return { rss: kB("VmRSS"), anon: kB("RssAnon"), file: kB("RssFile"), shmem: kB("RssShmem"), peak: kB("VmHWM") };
}
