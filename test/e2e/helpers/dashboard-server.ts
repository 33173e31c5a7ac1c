import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../integration/helpers/free-port";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface DashboardServer {
  url: string;
  /** The process groups of npm start and of the dashboard's process (it runs in a group of its own), for CPU accounting. */
  pgids(): number[];
  /** The history's data directory (a fresh temporary one unless the caller gave NSATLAS_DATA_DIR). */
  dataDir: string;
  /** What it printed on stdout and stderr (only with `capture`; otherwise it goes to the test's own output). */
  output(): string;
  /** SIGTERM to its process group; resolves once it exited. */
  stop(): Promise<void>;
  /** The exit code of `npm start` once stopped (null before). */
  exitCode(): number | null;
}

/** The process groups of `root` and of every process below it. */
function processGroups(root: number): number[] {
  const parentOf = new Map<number, { ppid: number; pgid: number }>();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // exited since the listing
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    parentOf.set(Number(pid), { ppid: Number(fields[1]), pgid: Number(fields[2]) });
  }
  const isBelow = (pid: number): boolean => pid === root || (pid > 1 && isBelow(parentOf.get(pid)?.ppid ?? 0));
  return [...new Set([...parentOf].filter(([pid]) => isBelow(pid)).map(([, p]) => p.pgid))];
}

/**
 * Starts the dashboard the way `npm start` does (server/bin/start.ts, building first when needed) on a free
 * loopback port, in its own process group so stop() ends exactly what it started.
 */
export async function startDashboard(env: Record<string, string>, timeoutMs = 240_000, capture = false): Promise<DashboardServer> {
  const port = await freePort();
  // Tests never write to the real /var/lib/nsatlas: each server gets its own store, removed on stop.
  const ownDataDir = env.NSATLAS_DATA_DIR === undefined ? mkdtempSync(path.join(os.tmpdir(), "nsatlas-test-data-")) : undefined;
  const dataDir = env.NSATLAS_DATA_DIR ?? ownDataDir ?? "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/bin/start.ts"], {
    cwd: ROOT,
    env: { ...process.env, NSATLAS_DATA_DIR: dataDir, ...env, PORT: String(port), NSATLAS_HOST: "127.0.0.1" },
    stdio: ["ignore", capture ? "pipe" : "inherit", capture ? "pipe" : "inherit"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    // Stopping twice is a no-op: a child ended by a signal has signalCode set and exitCode null.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, "SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    if (ownDataDir !== undefined) rmSync(ownDataDir, { recursive: true, force: true });
  };
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`dashboard exited with ${child.exitCode} before serving`);
    try {
      const res = await fetch(`${url}/api/v1/healthz`, { headers: env.NSATLAS_TOKEN ? { authorization: `Bearer ${env.NSATLAS_TOKEN}` } : {} });
      if (res.ok) return { url, dataDir, pgids: () => processGroups(child.pid ?? 0), stop, output: () => output, exitCode: () => child.exitCode };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`dashboard did not answer on ${url} within ${timeoutMs} ms`);
}
