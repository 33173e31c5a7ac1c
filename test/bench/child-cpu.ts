import fs from "node:fs";
import os from "node:os";

/** Clock ticks a second (USER_HZ): the unit of /proc's CPU times; 100 on every Linux architecture nsatlas runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + sys, every thread) of this process's children that have exited and been waited for
 * (spawnSync waits), in ms, from /proc/self/stat (cutime, cstime; 10 ms resolution). The difference
 * around one spawnSync is that child's CPU time: less disturbed than wall time by other load on the node.
 */
export function reapedChildrenCpuMs(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  // Fields after the command name, which may hold spaces: ") S ppid ..." → field 3 is at index 0.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[16 - 3]) + Number(fields[17 - 3]);
  if (!Number.isFinite(ticks)) throw new Error(`cannot read cutime/cstime from /proc/self/stat on ${os.release()}`);
  return (ticks * 1000) / TICKS_PER_SECOND;
}
