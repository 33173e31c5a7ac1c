import { spawn, spawnSync } from "node:child_process";

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Wall time of one command, stdout discarded. */
export function timeCommand(cmd: string, args: string[], input?: string): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, { input, stdio: [input === undefined ? "ignore" : "pipe", "ignore", "pipe"], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr?.toString() ?? ""}`);
  return performance.now() - t;
}

/**
 * The script a user would otherwise write: one `nsenter --net=PATH ip -j -d -batch -` per namespace,
 * reading links, addresses and all routing tables, one after another. Batch mode cannot switch the
 * address family per line, so this reads IPv4 routes only: a little less work than nsatlas does.
 */
export async function iproute2Baseline(paths: string[]): Promise<number> {
  const t = performance.now();
  for (const p of paths) {
    await new Promise<void>((resolve, reject) => {
      const child = spawn("nsenter", [`--net=${p}`, "ip", "-j", "-d", "-batch", "-"], { stdio: ["pipe", "ignore", "ignore"] });
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`nsenter ${p} exited ${code}`))));
      child.stdin.end("link show\naddress show\nroute show table all\n");
    });
  }
  return performance.now() - t;
}
