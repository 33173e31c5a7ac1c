/**
 * Namespaces that only an open descriptor or a single thread keeps alive: no bind mount, no process
 * living in them. Each test names its namespace with the lab prefix, deletes the name so only the
 * descriptor or thread holds it, and kills its holder afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { NetnsReader } from "../../server/collect/netns-reader";
import { FdScanner } from "../../server/discover/fd-scan";
import { ThreadScanner } from "../../server/discover/thread-scan";
import { takeSnapshot } from "../../server/snapshot/take-snapshot";
import { labConfig } from "../lab/lab-config";
import { run, tryRun, waitFor } from "../lab/sh";

const name = `${labConfig().prefix}-h${process.pid % 10000}`;
const reader = new NetnsReader();
let holder: ChildProcess | undefined;

function makeNetnsWithVeth(): string {
  run("ip", ["netns", "add", name]);
  run("ip", ["-n", name, "link", "add", "inner0", "type", "veth", "peer", "name", "inner1"]);
  return String(fs.statSync(`/run/netns/${name}`).ino);
}

/** Starts a process one of whose threads enters the test namespace; resolves with that thread's id. */
function holdWithThread(): Promise<number> {
  holder = spawn(process.execPath, [path.join(import.meta.dirname, "helpers/thread-holder.mjs"), `/run/netns/${name}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise<number>((resolve, reject) => {
    holder?.stdout?.on("data", (d: Buffer) => {
      const m = /ready (\d+)/.exec(d.toString());
      if (m?.[1]) resolve(Number(m[1]));
    });
    holder?.on("exit", (code) => reject(new Error(`thread holder exited with ${code}`)));
  });
}

afterEach(() => {
  if (holder?.pid !== undefined && holder.exitCode === null) holder.kill("SIGKILL");
  holder = undefined;
  tryRun("ip", ["netns", "del", name]);
});
afterAll(() => reader.close());

describe("a namespace held only by", () => {
  it.each([
    ['a bind mount that is then removed (the fd reads back as "/")', "mount"],
    ["/proc/PID/ns/net of a process that then exits (the fd reads back as net:[N])", "proc"],
  ])("an open file descriptor, opened through %s, is found through that fd and read", async (_how, via) => {
    const inode = makeNetnsWithVeth();
    let source = `/run/netns/${name}`;
    let first: ChildProcess | undefined;
    if (via === "proc") {
      first = spawn("nsenter", [`--net=/run/netns/${name}`, "sleep", "600"], { stdio: "ignore" });
      const firstPid = first.pid ?? 0;
      await waitFor("the first holder to enter", 5000, () => tryRun("readlink", [`/proc/${firstPid}/ns/net`]).out.trim() === `net:[${inode}]`);
      source = `/proc/${firstPid}/ns/net`;
    }
    holder = spawn("sh", ["-c", `exec 9<${source}; exec sleep 600`], { stdio: "ignore" });
    const pid = holder.pid ?? 0;
    await waitFor("the fd to be open", 5000, () => String(fs.statSync(`/proc/${pid}/fd/9`, { throwIfNoEntry: false })?.ino) === inode);
    run("ip", ["netns", "del", name]);
    if (first !== undefined) {
      first.kill("SIGKILL");
      await new Promise((r) => first?.once("exit", r));
    }
    const { snapshot } = await takeSnapshot(reader, { fdScanner: new FdScanner(0), validate: true });
    const netns = snapshot.netns.find((n) => n.id === inode);
    expect(netns?.refs).toEqual([{ kind: "fd", pid, fd: 9 }]);
    expect(netns?.interfaces.map((i) => i.name).sort()).toEqual(["inner0", "inner1", "lo"]);
    const inner0 = netns?.interfaces.find((i) => i.name === "inner0");
    expect(inner0?.peer).toEqual({ netnsId: inode, ifindex: netns?.interfaces.find((i) => i.name === "inner1")?.ifindex });
  });

  it("one thread of a process that lives elsewhere is found through that thread and read", async () => {
    const inode = makeNetnsWithVeth();
    const tid = await holdWithThread();
    run("ip", ["netns", "del", name]);
    const { snapshot } = await takeSnapshot(reader, { validate: true });
    const netns = snapshot.netns.find((n) => n.id === inode);
    expect(netns?.refs).toEqual([{ kind: "thread", pid: holder?.pid, tid }]);
    expect(netns?.processCount).toBe(0);
    expect(netns?.interfaces.map((i) => i.name).sort()).toEqual(["inner0", "inner1", "lo"]);
  });

  it("a thread, with the thread walk bounded: found at the next full walk, followed in between, dropped when it ends", async () => {
    let now = 0;
    const threadScanner = new ThreadScanner(30_000, () => now);
    const snap = async () => (await takeSnapshot(reader, { threadScanner })).snapshot;
    await snap(); // the full walk, before the thread moves
    const inode = makeNetnsWithVeth();
    const tid = await holdWithThread();
    now = 10_000;
    // Still named: found through its bind mount; the thread ref waits for the next full walk.
    expect((await snap()).netns.find((n) => n.id === inode)?.refs).toEqual([{ kind: "bind-mount", path: `/run/netns/${name}` }]);
    now = 30_000;
    expect((await snap()).netns.find((n) => n.id === inode)?.refs).toContainEqual({ kind: "thread", pid: holder?.pid, tid });
    run("ip", ["netns", "del", name]);
    now = 40_000;
    expect((await snap()).netns.find((n) => n.id === inode)?.refs).toEqual([{ kind: "thread", pid: holder?.pid, tid }]);
    holder?.kill("SIGKILL");
    await new Promise((r) => holder?.once("exit", r));
    now = 50_000;
    expect((await snap()).netns.map((n) => n.id)).not.toContain(inode);
  });
});
