import fs from "node:fs";
import { PROCESS_REF_LIMIT, type Ref } from "../contract/snapshot";
import type { FdScanner } from "./fd-scan";
import { readBindMounts } from "./mountinfo";
import { readNsLink } from "./ns-link";
import type { OwnMountTable } from "./own-mount-table";
import { walkProcesses, walkThreads } from "./proc-walk";
import type { ThreadScanner } from "./thread-scan";
import { findStaleFiles } from "./stale-files";

/** One namespace found on the node, before it is read. */
export interface DiscoveredNetns {
  id: string;
  isHost: boolean;
  refs: Ref[];
  processCount: number;
  /** Every process in it (internal: the wire format caps process refs). */
  pids: number[];
  /** The best file to open it through: a bind mount of ours, else a holder's /proc entry. */
  openPath: string;
  /** Known only from a detached nsfs fd: it is a network namespace only if setns(CLONE_NEWNET) accepts it. */
  isTypeUnverified: boolean;
}

export interface Discovery {
  hostNetnsId: string;
  netns: DiscoveredNetns[];
  staleFiles: string[];
  discoverMs: number;
  fdScanMs: number;
}

export interface DiscoverOptions {
  proc?: string;
  /** Also look for namespaces held only by an open fd; undefined skips the fd pass. */
  fdScanner?: FdScanner;
  /** Bounds the walk over every thread (see ThreadScanner); undefined walks every thread every time. */
  threadScanner?: ThreadScanner;
  /** Keeps the own mount namespace's nsfs mounts between scans while its table does not change; undefined reads it every time. */
  ownMountTable?: OwnMountTable;
}

interface Building {
  isTypeUnverified: boolean;
  refs: Ref[];
  processCount: number;
  pids: number[];
  openPaths: Array<{ rank: number; path: string }>;
}

// The helpers below run for every process, mount and namespace on every scan: module-level functions, not
// closures made per call, so that V8 keeps their optimised code from one scan to the next.

function entryOf(found: Map<string, Building>, id: string): Building {
  let b = found.get(id);
  if (b === undefined) {
    b = { isTypeUnverified: false, refs: [], processCount: 0, pids: [], openPaths: [] };
    found.set(id, b);
  }
  return b;
}

/** Lower rank = better way in. */
const betterWayIn = (best: Building["openPaths"][number], o: Building["openPaths"][number]) => (o.rank < best.rank ? o : best);

/**
 * Host first, then by inode. Decimal strings compare by length, then text (localeCompare with numeric collation
 * costs ~10 ms at 1,000 namespaces).
 */
const hostThenInode = (a: DiscoveredNetns, b: DiscoveredNetns) =>
  a.isHost ? -1 : b.isHost ? 1 : a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Finds every network namespace on the node, deduplicated by inode, with every ref that keeps it
 * alive: processes, threads that moved away, nsfs bind mounts in any mount namespace, and
 * (optionally) open fds. The host namespace is the agent's own (`/proc/self/ns/net`): PID 1 may be
 * unreadable or not the host's init.
 */
export function discover(options: DiscoverOptions = {}): Discovery {
  const proc = options.proc ?? "/proc";
  const started = performance.now();
  const hostNs = fs.statSync(`${proc}/self/ns/net`);
  const hostNetnsId = String(hostNs.ino);
  const ownMntns = readNsLink(`${proc}/self/ns/mnt`, "mnt");
  const found = new Map<string, Building>();
  // Lower rank = better way in: stable bind mounts first, then processes, threads, foreign mounts, fds.
  entryOf(found, hostNetnsId).openPaths.push({ rank: 0, path: `${proc}/self/ns/net` });

  const processes = walkProcesses(proc);
  const threads = options.threadScanner?.scan(processes, proc) ?? walkThreads(processes, proc);
  for (const p of processes) {
    const b = entryOf(found, p.netns);
    b.processCount++;
    b.pids.push(p.pid);
    if (b.processCount <= PROCESS_REF_LIMIT) b.refs.push({ kind: "process", pid: p.pid });
    if (b.openPaths.length < 3) b.openPaths.push({ rank: 2, path: `${proc}/${p.pid}/ns/net` });
  }
  for (const t of threads) {
    const b = entryOf(found, t.netns);
    b.refs.push({ kind: "thread", pid: t.pid, tid: t.tid });
    b.openPaths.push({ rank: 3, path: `${proc}/${t.pid}/task/${t.tid}/ns/net` });
  }
  const mounts = readBindMounts(processes, ownMntns, proc, options.ownMountTable);
  for (const m of mounts) {
    const b = entryOf(found, m.inode);
    b.refs.push({ kind: "bind-mount", path: m.mountPoint, ...(m.mountNamespace ? { mountNamespace: m.mountNamespace } : {}) });
    b.openPaths.push({ rank: m.mountNamespace === undefined ? 1 : 4, path: m.openPath });
  }
  const discoverMs = performance.now() - started;
  // Bind mounts in this process's own mount namespace, by mount point: the fd pass's hints and the stale-file check.
  const mountedHere = new Map<string, string>();
  for (const m of mounts) if (m.mountNamespace === undefined) mountedHere.set(m.mountPoint, m.inode);

  let fdScanMs = 0;
  if (options.fdScanner !== undefined) {
    const fdStarted = performance.now();
    const hints = { nsfsDev: hostNs.dev, mountPoints: mountedHere };
    for (const f of options.fdScanner.scan(
      processes.map((p) => p.pid),
      proc,
      hints,
    )) {
      const isNew = !found.has(f.inode);
      const b = entryOf(found, f.inode);
      if (isNew && f.isTypeUnverified) b.isTypeUnverified = true;
      b.refs.push({ kind: "fd", pid: f.pid, fd: f.fd });
      b.openPaths.push({ rank: 5, path: `${proc}/${f.pid}/fd/${f.fd}` });
    }
    fdScanMs = performance.now() - fdStarted;
  }

  const netns: DiscoveredNetns[] = [];
  for (const [id, b] of found) {
    netns.push({
      id,
      isHost: id === hostNetnsId,
      refs: b.refs,
      processCount: b.processCount,
      pids: b.pids,
      isTypeUnverified: b.isTypeUnverified,
      openPath: b.openPaths.reduce(betterWayIn).path,
    });
  }
  netns.sort(hostThenInode);
  return { hostNetnsId, netns, staleFiles: findStaleFiles(mountedHere), discoverMs, fdScanMs };
}
