/**
 * An open file of a namespace, for `nsenter --net=/proc/self/fd/3`: found from its refs (a bind mount
 * in our own mount namespace, then a process, a thread, an fd, as discovery prefers them) and checked
 * to be that namespace (its inode) on the descriptor itself. Handing tcpdump the descriptor rather
 * than a path leaves no gap in which a process could exit and its PID be reused by another namespace.
 */
import fs from "node:fs";
import type { Netns } from "../contract/snapshot";
import { GONE, hasErrnoCode, logUnexpected } from "../log/failures";

/** The paths that may lead to the namespace, best first. */
export function netnsFileCandidates(netns: Pick<Netns, "refs">, proc = "/proc"): string[] {
  const out: string[] = [];
  for (const r of netns.refs) if (r.kind === "bind-mount" && r.mountNamespace === undefined && r.path !== undefined) out.push(r.path);
  for (const r of netns.refs) if (r.kind === "process" && r.pid !== undefined) out.push(`${proc}/${r.pid}/ns/net`);
  for (const r of netns.refs) if (r.kind === "thread" && r.pid !== undefined && r.tid !== undefined) out.push(`${proc}/${r.pid}/task/${r.tid}/ns/net`);
  for (const r of netns.refs) if (r.kind === "fd" && r.pid !== undefined && r.fd !== undefined) out.push(`${proc}/${r.pid}/fd/${r.fd}`);
  return out;
}

/** A descriptor open on namespace `netns.id` (the caller closes it), or undefined when no ref leads there any more. */
export function openNetnsFile(netns: Pick<Netns, "id" | "refs">, proc = "/proc"): number | undefined {
  for (const candidate of netnsFileCandidates(netns, proc)) {
    let fd: number;
    try {
      fd = fs.openSync(candidate, "r");
    } catch (err) {
      if (!hasErrnoCode(err, GONE)) logUnexpected("opening a namespace to capture in", err, { netnsId: netns.id, path: candidate });
      continue;
    }
    if (String(fs.fstatSync(fd, { bigint: true }).ino) === netns.id) return fd;
    fs.closeSync(fd);
  }
  return undefined;
}
