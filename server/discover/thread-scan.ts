import { readNsLink } from "./ns-link";
import { walkThreads, type ProcessNs, type ThreadNs } from "./proc-walk";

/**
 * Keeps the cost of finding threads that moved to another namespace bounded on busy nodes: a full
 * walk (one readlink per thread on the node, ~7 µs each: 3.5 ms on the lab, ~35 ms at 5,000 threads)
 * at most every `intervalMs`; in between, the threads it found are re-checked with one readlink
 * each. A thread ref can thus be up to `intervalMs` late to appear; a namespace held by anything
 * else (process, bind mount) is never late, and a thread that leaves is dropped at once.
 */
export class ThreadScanner {
  private cached: { at: number; threads: ThreadNs[] } | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  scan(processes: ProcessNs[], proc = "/proc"): ThreadNs[] {
    const now = this.now();
    if (this.cached === undefined || now - this.cached.at >= this.intervalMs) {
      this.cached = { at: now, threads: walkThreads(processes, proc) };
      return this.cached.threads;
    }
    const processNetns = new Map(processes.map((p) => [p.pid, p.netns]));
    this.cached.threads = this.cached.threads.flatMap((t) => {
      const netns = readNsLink(`${proc}/${t.pid}/task/${t.tid}/ns/net`);
      // Gone, or back in its process's namespace: no longer a ref of its own.
      if (netns === undefined || netns === processNetns.get(t.pid) || !processNetns.has(t.pid)) return [];
      return [netns === t.netns ? t : { ...t, netns }];
    });
    return this.cached.threads;
  }
}
