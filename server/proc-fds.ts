import fs from "node:fs";

/**
 * Calls `visit(fd, target)` for each open file descriptor of `pid` with what it points at
 * (readlink of /proc/PID/fd/N). A process that exits, or an fd closed mid-walk, is skipped:
 * a walk is a best-effort reading of a moving system.
 */
export function forEachFd(pid: number, proc: string, visit: (fd: number, target: string) => void): void {
  let fds: string[];
  try {
    fds = fs.readdirSync(`${proc}/${pid}/fd`);
  } catch {
    return;
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = fs.readlinkSync(`${proc}/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    visit(Number(fd), target);
  }
}
