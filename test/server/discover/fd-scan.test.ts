import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FdScanner, scanNsFds } from "../../../server/discover/fd-scan";

/** A directory laid out like /proc/PID/fd, whose links point where the kernel's would. */
let proc: string;
function fd(pid: number, n: number, target: string): void {
  fs.mkdirSync(path.join(proc, String(pid), "fd"), { recursive: true });
  fs.symlinkSync(target, path.join(proc, String(pid), "fd", String(n)));
}

beforeEach(() => {
  proc = fs.mkdtempSync(path.join(os.tmpdir(), "nsatlas-proc-"));
  fd(10, 0, "/dev/null");
  fd(10, 3, "socket:[991]");
  fd(10, 7, "net:[4026532178]");
  fd(11, 4, "mnt:[4026531841]");
  fd(12, 5, "net:[4026532249]");
});
afterEach(() => fs.rmSync(proc, { recursive: true, force: true }));

describe("scanNsFds", () => {
  it("finds only descriptors that point at a network namespace, and skips processes that are gone", () => {
    expect(scanNsFds([10, 11, 12, 99], proc)).toEqual([
      { inode: "4026532178", pid: 10, fd: 7 },
      { inode: "4026532249", pid: 12, fd: 5 },
    ]);
  });
});

describe("FdScanner", () => {
  it("rescans fully once the interval has passed, and in between only re-checks what it found", () => {
    let now = 0;
    const scanner = new FdScanner(30_000, () => now);
    expect(scanner.scan([10, 12], proc)).toHaveLength(2);
    fd(13, 9, "net:[4026532320]"); // a new holder: found at the next full scan only
    fs.rmSync(path.join(proc, "12"), { recursive: true }); // a holder gone: dropped at once
    now = 10_000;
    expect(scanner.scan([10, 13], proc)).toEqual([{ inode: "4026532178", pid: 10, fd: 7 }]);
    now = 30_000;
    expect(scanner.scan([10, 13], proc).map((r) => r.pid)).toEqual([10, 13]);
  });
});
