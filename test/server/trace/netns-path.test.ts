/** netnsPath: a way into a namespace of the snapshot, checked to still be that namespace. */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { netnsPath, netnsPathCandidates } from "../../../server/trace/netns-path";

describe("netnsPath", () => {
  it("prefers our own bind mounts, then processes, threads and fds; never a mount in another mount namespace", () => {
    const refs = [
      { kind: "fd" as const, pid: 7, fd: 3 },
      { kind: "thread" as const, pid: 5, tid: 6 },
      { kind: "process" as const, pid: 4 },
      { kind: "bind-mount" as const, path: "/run/other", mountNamespace: "4026532000" },
      { kind: "bind-mount" as const, path: "/run/netns/blue" },
    ];
    expect(netnsPathCandidates({ isHost: false, refs })).toEqual(["/run/netns/blue", "/proc/4/ns/net", "/proc/5/task/6/ns/net", "/proc/7/fd/3"]);
    expect(netnsPathCandidates({ isHost: true, refs: [] })).toEqual(["/proc/self/ns/net"]);
  });

  it("takes the first candidate whose inode is still the namespace's", () => {
    const own = String(fs.statSync("/proc/self/ns/net").ino);
    expect(
      netnsPath({
        id: own,
        isHost: false,
        refs: [
          { kind: "process", pid: 999_999_999 },
          { kind: "process", pid: process.pid },
        ],
      }),
    ).toBe(`/proc/${process.pid}/ns/net`);
    // A PID whose namespace is another one now (or gone) is not a way in.
    expect(netnsPath({ id: "1", isHost: false, refs: [{ kind: "process", pid: process.pid }] })).toBeUndefined();
  });
});
