import fs from "node:fs";
import { hasErrnoCode, logUnexpected, WALK_EXPECTED } from "../log/failures";
import { readNsLink } from "./ns-link";

export interface ProcessNs {
  pid: number;
  netns: string;
  mntns: string | undefined;
}

export interface ThreadNs {
  pid: number;
  tid: number;
  netns: string;
}

/**
 * Every process's network and mount namespace. Processes that exit mid-walk or are unreadable are
 * skipped: a walk is a best-effort reading of a moving system. Threads are walkThreads' (a thread can
 * setns on its own).
 */
export function walkProcesses(proc = "/proc"): ProcessNs[] {
  const processes: ProcessNs[] = [];
  // Reads the live /proc, never project files: nothing for the bundler to trace.
  for (const name of fs.readdirSync(/*turbopackIgnore: true*/ proc)) {
    if (!/^\d+$/.test(name)) continue;
    const netns = readNsLink(`${proc}/${name}/ns/net`);
    if (netns === undefined) continue;
    processes.push({ pid: Number(name), netns, mntns: readNsLink(`${proc}/${name}/ns/mnt`, "mnt") });
  }
  return processes;
}

/** The threads of `processes` whose network namespace is not their process's: one readlink per thread. */
export function walkThreads(processes: ProcessNs[], proc = "/proc"): ThreadNs[] {
  const threads: ThreadNs[] = [];
  for (const { pid, netns } of processes) {
    let tids: string[];
    try {
      tids = fs.readdirSync(`${proc}/${pid}/task`);
    } catch (err) {
      // The process exited (ENOENT/ESRCH) or is not ours to read (EACCES/EPERM): skipped quietly.
      if (!hasErrnoCode(err, WALK_EXPECTED)) logUnexpected("listing a process's threads", err, { targetPid: pid });
      continue;
    }
    if (tids.length < 2) continue;
    for (const tid of tids) {
      if (tid === String(pid)) continue;
      const threadNetns = readNsLink(`${proc}/${pid}/task/${tid}/ns/net`);
      if (threadNetns !== undefined && threadNetns !== netns) threads.push({ pid, tid: Number(tid), netns: threadNetns });
    }
  }
  return threads;
}
