import fs from "node:fs";
import { hasErrnoCode, logUnexpected, WALK_EXPECTED } from "../log/failures";
import { forEachFd } from "../proc-fds";
import { inodeFromNsLink } from "./ns-link";

export interface FdRef {
  inode: string;
  pid: number;
  fd: number;
  /** Found as a detached nsfs file ("/"): some namespace, maybe not a network one until setns says so. */
  isTypeUnverified?: boolean;
}

/** What the fd pass needs to recognise namespace files that do not read back as "net:[N]". */
export interface NsfsHints {
  /** st_dev of nsfs (that of /proc/self/ns/net). */
  nsfsDev: number;
  /** Network namespace bind mounts by mount point: an fd opened through one reads back as its path. */
  mountPoints: Map<string, string>;
}

/**
 * Open file descriptors that point at a network namespace (a daemon holding one open, as lxkns
 * reports). One readlink per open fd on the node: its own pass, with its own timing. An fd opened
 * through a bind mount reads back as the mount's path, and as "/" once the mount is gone: those are
 * recognised through the mount table and, for "/", a stat on the nsfs device.
 */
export function scanNsFds(pids: number[], proc = "/proc", hints?: NsfsHints): FdRef[] {
  const refs: FdRef[] = [];
  for (const pid of pids) {
    forEachFd(pid, proc, (fd, target) => {
      const file = `${proc}/${pid}/fd/${fd}`;
      if (target.startsWith("net:[")) {
        const inode = inodeFromNsLink(target);
        if (inode !== undefined) refs.push({ inode, pid, fd });
      } else if (hints !== undefined && target.startsWith("/")) {
        const mounted = hints.mountPoints.get(target);
        if (mounted !== undefined) refs.push({ inode: mounted, pid, fd });
        else if (target === "/") {
          const st = fs.statSync(file, { throwIfNoEntry: false });
          if (st !== undefined && st.dev === hints.nsfsDev) refs.push({ inode: String(st.ino), pid, fd, isTypeUnverified: true });
        }
      }
    });
  }
  return refs;
}

/**
 * Keeps the cost of the fd pass bounded on busy nodes: a full scan (one readlink per open fd on the
 * node, ~6 µs each) at most every `intervalMs`; in between, the few fd refs it found are re-checked
 * with one readlink each. An fd ref can thus be up to `intervalMs` late to appear; namespaces held
 * by anything else are never late.
 */
export class FdScanner {
  private cached: { at: number; refs: FdRef[] } | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  scan(pids: number[], proc = "/proc", hints?: NsfsHints): FdRef[] {
    const now = this.now();
    if (this.cached === undefined || now - this.cached.at >= this.intervalMs) {
      this.cached = { at: now, refs: scanNsFds(pids, proc, hints) };
      return this.cached.refs;
    }
    this.cached.refs = this.cached.refs.filter((r) => stillHolds(`${proc}/${r.pid}/fd/${r.fd}`, r.inode));
    return this.cached.refs;
  }
}

/** Does this fd still refer to the namespace? "net:[N]" answers by itself; a path needs a stat. */
function stillHolds(file: string, inode: string): boolean {
  let target: string;
  try {
    target = fs.readlinkSync(file);
  } catch (err) {
    // The fd was closed or its process exited (ENOENT/ESRCH), or it is not ours to read: it no longer holds, quietly.
    if (!hasErrnoCode(err, WALK_EXPECTED)) logUnexpected("re-checking an fd that held a namespace", err, { file });
    return false;
  }
  if (target.startsWith("net:[")) return inodeFromNsLink(target) === inode;
  return String(fs.statSync(file, { throwIfNoEntry: false })?.ino) === inode;
}
