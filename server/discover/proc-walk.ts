import fs from "node:fs";
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
 * Every process's network and mount namespace, and every thread that moved to another network
 * namespace than its process (a thread can setns on its own). Processes that exit mid-walk or are
 * unreadable are skipped: a walk is a best-effort reading of a moving system.
 */
export function walkProcesses(proc = "/proc", withThreads = true): { processes: ProcessNs[]; threads: ThreadNs[] } {
  const processes: ProcessNs[] = [];
  const threads: ThreadNs[] = [];
  // Reads the live /proc, never project files: nothing for the bundler to trace.
  for (const name of fs.readdirSync(/*turbopackIgnore: true*/ proc)) {
    if (!/^\d+$/.test(name)) continue;
    const netns = readNsLink(`${proc}/${name}/ns/net`);
    if (netns === undefined) continue;
    const pid = Number(name);
    processes.push({ pid, netns, mntns: readNsLink(`${proc}/${name}/ns/mnt`, "mnt") });
    if (!withThreads) continue;
    let tids: string[];
    try {
      tids = fs.readdirSync(`${proc}/${name}/task`);
    } catch {
      continue;
    }
    if (tids.length < 2) continue;
    for (const tid of tids) {
      if (tid === name) continue;
      const threadNetns = readNsLink(`${proc}/${name}/task/${tid}/ns/net`);
      if (threadNetns !== undefined && threadNetns !== netns) threads.push({ pid, tid: Number(tid), netns: threadNetns });
    }
  }
  return { processes, threads };
}
