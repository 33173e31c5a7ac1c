import fs from "node:fs";
import { inodeFromNsLink } from "./ns-link";

export interface FdRef {
  inode: string;
  pid: number;
  fd: number;
}

/**
 * Open file descriptors that point at a network namespace (a daemon holding one open, as
 * lxkns reports). Costs one readlink per open fd on the node: its own pass, with its own timing.
 */
export function scanNsFds(pids: number[], proc = "/proc"): FdRef[] {
  const refs: FdRef[] = [];
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`${proc}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`${proc}/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!target.startsWith("net:[")) continue;
      const inode = inodeFromNsLink(target);
      if (inode !== undefined) refs.push({ inode, pid, fd: Number(fd) });
    }
  }
  return refs;
}
