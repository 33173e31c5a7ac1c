import fs from "node:fs";
import { statField, ticksToMs } from "./proc-usage";

/**
 * CPU time (user + sys, every thread) of this process's children that have exited and been waited for
 * (spawnSync waits), in ms, from /proc/self/stat (cutime, cstime; 10 ms resolution). The difference
 * around one spawnSync is that child's CPU time: less disturbed than wall time by other load on the node.
 */
export function reapedChildrenCpuMs(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  return ticksToMs(statField(stat, 16) + statField(stat, 17));
}
