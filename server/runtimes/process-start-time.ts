import fs from "node:fs";

/**
 * A process's start time (field 22 of /proc/PID/stat, in clock ticks since boot): with the PID, it
 * identifies one process for its whole life, where a PID alone may be reused.
 */
export function processStartTime(pid: number, proc = "/proc"): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`${proc}/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return rest[19];
}
