import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../integration/helpers/free-port";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface DashboardServer {
  url: string;
  /** The process group of the agent (npm start and the Next server under it), for CPU accounting. */
  pgid: number;
  /** The history's data directory (a fresh temporary one unless the caller gave NSATLAS_DATA_DIR). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the dashboard the way the README does (`npm start`, building first when needed) on a free
 * loopback port, in its own process group so stop() ends exactly what it started.
 */
export async function startDashboard(env: Record<string, string>, timeoutMs = 240_000): Promise<DashboardServer> {
  const port = await freePort();
  // Tests never write to the real /var/lib/nsatlas: each server gets its own store, removed on stop.
  const ownDataDir = env.NSATLAS_DATA_DIR === undefined ? mkdtempSync(path.join(os.tmpdir(), "nsatlas-test-data-")) : undefined;
  const dataDir = env.NSATLAS_DATA_DIR ?? ownDataDir ?? "";
  const child: ChildProcess = spawn("npx", ["tsx", "server/bin/start.ts"], {
    cwd: ROOT,
    env: { ...process.env, NSATLAS_DATA_DIR: dataDir, ...env, PORT: String(port), NSATLAS_HOST: "127.0.0.1" },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
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
      if (res.ok) return { url, dataDir, pgid: child.pid ?? 0, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`dashboard did not answer on ${url} within ${timeoutMs} ms`);
}
