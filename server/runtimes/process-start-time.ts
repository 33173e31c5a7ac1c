import fs from "node:fs";
import { errorFields, logger } from "../log/logger";

/** Errors reading /proc/PID/* that mean the process has exited (ENOENT: gone; ESRCH: exiting while read). */
export function isProcessGone(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && (err.code === "ENOENT" || err.code === "ESRCH");
}

/**
 * A process's start time (field 22 of /proc/PID/stat, in clock ticks since boot): with the PID, it
 * identifies one process for its whole life, where a PID alone may be reused.
 */
export function processStartTime(pid: number, proc = "/proc"): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`${proc}/${pid}/stat`, "utf8");
  } catch (err) {
    // Exited: a normal event. Anything else (EACCES under a hardened /proc) is logged: the result is the same, unknown.
    if (!isProcessGone(err)) logger().debug({ pid, err: errorFields(err) }, "cannot read the process's start time");
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return rest[19];
}
