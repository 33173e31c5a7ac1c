import fs from "node:fs";
import { errnoCode, hasErrnoCode, logUnexpected, WALK_EXPECTED } from "../log/failures";
import { logger } from "../log/logger";
import type { ProcessNs } from "./proc-walk";

export interface NsfsMount {
  mountPoint: string;
  inode: string;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeMountinfo(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * nsfs mounts of network namespaces in one mountinfo text. Line format (proc(5)):
 * `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS`; for nsfs the
 * ROOT field is "net:[INODE]". One regular expression finds the lines and their two fields: discovery reads one
 * mountinfo per mount namespace, each listing every bind mount of /run/netns again (~2,000 lines at 1,000 namespaces,
 * ~28 times on a node with containers). A loop of string searches per line cost twice the time and, in a one-shot
 * command, two TurboFan compilations (~20 ms of CPU each, on 2 vCPUs) for a ~1.5 ms job; this loop's body is small.
 */
export function parseNsfsMounts(text: string): NsfsMount[] {
  const mounts: NsfsMount[] = [];
  const nsfsLine = /^\S+ \S+ \S+ net:\[(\d+)\] (\S+) [^\n]* - nsfs /gm;
  for (let m = nsfsLine.exec(text); m !== null; m = nsfsLine.exec(text)) {
    const inode = m[1] ?? "";
    const mountPoint = m[2] ?? "";
    mounts.push({ mountPoint: mountPoint.includes("\\") ? unescapeMountinfo(mountPoint) : mountPoint, inode });
  }
  return mounts;
}

/** Where the agent's own mount namespace's nsfs mounts come from when not read every time (own-mount-table.ts). */
export interface NsfsMountSource {
  nsfsMounts(): NsfsMount[];
}

export interface BindMountRef {
  inode: string;
  mountPoint: string;
  /** Set when the mount lives in another mount namespace than ours: its inode. */
  mountNamespace?: string;
  /** A path through which this process can open it (/proc/PID/root/... for other mount namespaces). */
  openPath: string;
}

/**
 * Bind mounts of network namespaces in every mount namespace, reading mountinfo once per mount
 * namespace (reading it per process costs 100× more on a busy node); `ownTable` answers for the
 * agent's own mount namespace when given (a long-lived agent: see own-mount-table.ts).
 */
export function readBindMounts(processes: ProcessNs[], ownMntns: string | undefined, proc = "/proc", ownTable?: NsfsMountSource): BindMountRef[] {
  const byMntns = new Map<string, number>();
  for (const p of processes) if (p.mntns !== undefined && !byMntns.has(p.mntns)) byMntns.set(p.mntns, p.pid);
  const refs: BindMountRef[] = [];
  const ordered = [...byMntns.entries()].sort(([a], [b]) => (a === ownMntns ? -1 : b === ownMntns ? 1 : 0));
  const seen = new Set<string>();
  for (const [mntns, pid] of ordered) {
    const isOwn = mntns === ownMntns;
    let nsfsMounts: NsfsMount[];
    try {
      nsfsMounts = isOwn && ownTable !== undefined ? ownTable.nsfsMounts() : parseNsfsMounts(fs.readFileSync(`${proc}/${pid}/mountinfo`, "utf8"));
    } catch (err) {
      // The process chosen for this mount namespace exited (or is not ours): its mounts are skipped this pass.
      if (hasErrnoCode(err, WALK_EXPECTED)) logger().debug({ targetPid: pid, mntns, code: errnoCode(err) }, "mountinfo unreadable: skipped");
      else logUnexpected("reading mountinfo", err, { targetPid: pid, mntns });
      continue;
    }
    for (const m of nsfsMounts) {
      // The same mount point propagated into several mount namespaces is one ref.
      const key = `${m.inode}:${m.mountPoint}`;
      if (seen.has(key)) continue;
      seen.add(key);
      refs.push(
        isOwn
          ? { inode: m.inode, mountPoint: m.mountPoint, openPath: m.mountPoint }
          : { inode: m.inode, mountPoint: m.mountPoint, mountNamespace: mntns, openPath: `${proc}/${pid}/root${m.mountPoint}` },
      );
    }
  }
  return refs;
}
