/**
 * A file through which the reader worker can enter a namespace of the snapshot, found from its refs
 * (the snapshot keeps no paths): a bind mount in our own mount namespace, then a process, a thread, an
 * fd. Each candidate is checked to still be that namespace (its inode), so a process that exited and
 * a PID reused since the snapshot never send a question into the wrong namespace.
 */
import fs from "node:fs";
import type { Netns } from "../contract/snapshot";

/** The candidates, best first (the order discover.ts prefers). */
export function netnsPathCandidates(netns: Pick<Netns, "isHost" | "refs">, proc = "/proc"): string[] {
  const out: string[] = [];
  if (netns.isHost) out.push(`${proc}/self/ns/net`);
  for (const r of netns.refs) if (r.kind === "bind-mount" && r.mountNamespace === undefined && r.path !== undefined) out.push(r.path);
  for (const r of netns.refs) if (r.kind === "process" && r.pid !== undefined) out.push(`${proc}/${r.pid}/ns/net`);
  for (const r of netns.refs) if (r.kind === "thread" && r.pid !== undefined && r.tid !== undefined) out.push(`${proc}/${r.pid}/task/${r.tid}/ns/net`);
  for (const r of netns.refs) if (r.kind === "fd" && r.pid !== undefined && r.fd !== undefined) out.push(`${proc}/${r.pid}/fd/${r.fd}`);
  return out;
}

/** The first candidate that still leads to namespace `netns.id`, or undefined when none does (it is gone, or held only where we cannot reach). */
export function netnsPath(netns: Pick<Netns, "id" | "isHost" | "refs">, proc = "/proc"): string | undefined {
  for (const candidate of netnsPathCandidates(netns, proc)) {
    try {
      if (String(fs.statSync(candidate).ino) === netns.id) return candidate;
    } catch {
      // Gone or unreadable: try the next one.
    }
  }
  return undefined;
}
