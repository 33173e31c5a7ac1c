import { spawn } from "node:child_process";
import fs from "node:fs";
import { hostLinksWithPrefix } from "../lab/host-links";
import { run, tryRun, waitFor } from "../lab/sh";
import { deleteNamedNetns } from "./named-netns";

/** Prefix of everything the benchmark makes (distinct from the lab's, so both can coexist). */
export const BENCH_PREFIX = "nsb";
const PER_BRIDGE = 500; // a Linux bridge takes at most 1,023 ports

function ipBatch(lines: string[]): void {
  if (lines.length > 0) run("ip", ["-batch", "-"], { input: `${lines.join("\n")}\n`, timeoutMs: 600_000 });
}

/** Runs `work` over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
}

function runAsync(cmd: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")}: ${err}`))));
    child.stdin.end(input);
  });
}

/**
 * A node at scale: named namespaces, each with a veth into a host bridge, an IPv4 and an IPv6
 * address and a default route, plus namespaces held only by a process.
 */
export class ScaleLab {
  private named = 0;
  private readonly holders: number[] = [];

  /** Grows the lab to `total` named namespaces. */
  async growTo(total: number): Promise<void> {
    const from = this.named + 1;
    if (total < from) return;
    // After destroy() the host's veth ends vanish with their namespaces, asynchronously: new ones
    // under the same names would fail with "File exists".
    const leftover = (name: string) => new RegExp(`^${BENCH_PREFIX}-h\\d+$`).test(name) && Number(name.slice(`${BENCH_PREFIX}-h`.length)) >= from;
    await waitFor("the previous run's host veth ends to go", 60_000, () => !hostLinksWithPrefix(BENCH_PREFIX).some(leftover));
    const lines: string[] = [];
    for (let b = Math.floor((from - 1) / PER_BRIDGE); b <= Math.floor((total - 1) / PER_BRIDGE); b++) {
      const br = `${BENCH_PREFIX}-br${b}`;
      if (!tryRun("ip", ["link", "show", br]).ok)
        lines.push(`link add ${br} type bridge`, `link set ${br} addrgenmode none`, `addr add 10.${240 + b}.0.1/16 dev ${br}`, `link set ${br} up`);
    }
    for (let i = from; i <= total; i++) {
      const b = Math.floor((i - 1) / PER_BRIDGE);
      lines.push(
        `netns add ${BENCH_PREFIX}-${i}`,
        `link add ${BENCH_PREFIX}-h${i} type veth peer name eth0 netns ${BENCH_PREFIX}-${i}`,
        // addrgenmode none: 1,000 bridge ports autoconfiguring IPv6 at once is a storm.
        `link set ${BENCH_PREFIX}-h${i} addrgenmode none`,
        `link set ${BENCH_PREFIX}-h${i} master ${BENCH_PREFIX}-br${b} up`,
      );
    }
    ipBatch(lines);
    const indexes = Array.from({ length: total - from + 1 }, (_, k) => from + k);
    await pool(indexes, 8, (i) => {
      const b = Math.floor((i - 1) / PER_BRIDGE);
      const host = `${Math.floor(i / 250) + 1}.${(i % 250) + 2}`;
      return runAsync(
        "nsenter",
        [`--net=/run/netns/${BENCH_PREFIX}-${i}`, "ip", "-batch", "-"],
        [
          "link set lo up",
          "link set eth0 addrgenmode none",
          `addr add 10.${240 + b}.${host}/16 dev eth0`,
          `addr add fd00:240:${b}::${i.toString(16)}/64 dev eth0 nodad`,
          "link set eth0 up",
          `route add default via 10.${240 + b}.0.1`,
        ].join("\n"),
      );
    });
    this.named = total;
  }

  /** Adds namespaces held only by a (sleeping) process. */
  async addProcessHolders(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const child = spawn("unshare", ["--net", "sleep", "2147483647"], { detached: true, stdio: "ignore" });
      child.unref();
      if (child.pid !== undefined) this.holders.push(child.pid);
    }
    const ours = fs.statSync("/proc/self/ns/net").ino;
    const until = Date.now() + 10_000;
    while (Date.now() < until && !this.holders.every((pid) => fs.statSync(`/proc/${pid}/ns/net`, { throwIfNoEntry: false })?.ino !== ours)) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Every namespace file the lab made: what the floor and the baseline read. */
  paths(): string[] {
    const named = Array.from({ length: this.named }, (_, k) => `/run/netns/${BENCH_PREFIX}-${k + 1}`);
    return [...named, ...this.holders.map((pid) => `/proc/${pid}/ns/net`)];
  }

  get size(): number {
    return this.named + this.holders.length;
  }

  /** Removes everything (also what a crashed earlier run left, found by prefix). */
  destroy(): void {
    for (const pid of this.holders) {
      try {
        if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("sleep")) process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    this.holders.length = 0;
    deleteNamedNetns(BENCH_PREFIX);
    const bridges = tryRun("ip", ["-o", "link", "show", "type", "bridge"])
      .out.split("\n")
      .map((l) => l.split(": ")[1] ?? "")
      .filter((n) => n.startsWith(`${BENCH_PREFIX}-br`));
    if (bridges.length > 0) tryRun("ip", ["-force", "-batch", "-"], { input: `${bridges.map((n) => `link del ${n}`).join("\n")}\n` });
    this.named = 0;
  }
}
