import fs from "node:fs";
import { hasErrnoCode, logUnexpected, WALK_EXPECTED } from "./log/failures";

/**
 * Calls `visit(fd, target)` for each open file descriptor of `pid` with what it points at
 * (readlink of /proc/PID/fd/N). A process that exits, or an fd closed mid-walk, is skipped:
 * a walk is a best-effort reading of a moving system.
 */
export function forEachFd(pid: number, proc: string, visit: (fd: number, target: string) => void): void {
  let fds: string[];
  try {
    fds = fs.readdirSync(`${proc}/${pid}/fd`);
  } catch (err) {
    // The process exited (ENOENT/ESRCH) or its fds are not ours to read (EACCES/EPERM): quietly nothing.
    if (!hasErrnoCode(err, WALK_EXPECTED)) logUnexpected("listing a process's fds", err, { targetPid: pid });
    return;
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = fs.readlinkSync(`${proc}/${pid}/fd/${fd}`);
    } catch (err) {
      // Closed since the listing (ENOENT), or the process exited or is not ours: skipped quietly.
      if (!hasErrnoCode(err, WALK_EXPECTED)) logUnexpected("readlink of a process's fd", err, { targetPid: pid, fd });
      continue;
    }
    visit(Number(fd), target);
  }
}
