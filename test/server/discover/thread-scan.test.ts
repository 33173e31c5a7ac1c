import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { walkThreads, type ProcessNs } from "../../../server/discover/proc-walk";
import { ThreadScanner } from "../../../server/discover/thread-scan";

/** A directory laid out like /proc/PID/task/TID/ns/net, whose links read back as the kernel's do. */
let proc: string;
function thread(pid: number, tid: number, netns: string): void {
  const dir = path.join(proc, String(pid), "task", String(tid), "ns");
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(path.join(dir, "net"), { force: true });
  fs.symlinkSync(`net:[${netns}]`, path.join(dir, "net"));
}
const processes = (...pids: number[]): ProcessNs[] => pids.map((pid) => ({ pid, netns: "100", mntns: "900" }));

beforeEach(() => {
  proc = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-proc-"));
  thread(10, 10, "100");
  thread(10, 11, "100");
  thread(10, 12, "200"); // moved away from its process
  thread(20, 20, "100"); // single-threaded: never walked
});
afterEach(() => fs.rmSync(proc, { recursive: true, force: true }));

describe("walkThreads", () => {
  it("finds the threads whose namespace is not their process's, and skips processes that are gone", () => {
    expect(walkThreads(processes(10, 20, 99), proc)).toEqual([{ pid: 10, tid: 12, netns: "200" }]);
  });
});

describe("ThreadScanner", () => {
  it("walks every thread once the interval has passed, and in between only re-checks what it found", () => {
    let now = 0;
    const scanner = new ThreadScanner(30_000, () => now);
    expect(scanner.scan(processes(10, 20), proc)).toEqual([{ pid: 10, tid: 12, netns: "200" }]);
    thread(20, 21, "300"); // a thread moving away now: found at the next full walk only
    thread(10, 12, "400"); // a found thread moving on: followed at once
    now = 10_000;
    expect(scanner.scan(processes(10, 20), proc)).toEqual([{ pid: 10, tid: 12, netns: "400" }]);
    thread(10, 12, "100"); // back home: no longer a ref of its own
    now = 20_000;
    expect(scanner.scan(processes(10, 20), proc)).toEqual([]);
    now = 30_000;
    expect(scanner.scan(processes(10, 20), proc)).toEqual([{ pid: 20, tid: 21, netns: "300" }]);
  });

  it("drops a found thread whose process is gone, and walks every time with a zero interval", () => {
    let now = 0;
    const scanner = new ThreadScanner(30_000, () => now);
    scanner.scan(processes(10), proc);
    now = 1;
    expect(scanner.scan(processes(20), proc)).toEqual([]);
    const every = new ThreadScanner(0, () => now);
    expect(every.scan(processes(10), proc)).toHaveLength(1);
    thread(10, 13, "500");
    expect(every.scan(processes(10), proc)).toHaveLength(2);
  });
});
