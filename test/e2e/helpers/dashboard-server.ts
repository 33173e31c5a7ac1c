import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface DashboardServer {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts the dashboard the way the README does (`npm start`, building first when needed) on a free
 * loopback port, in its own process group so stop() ends exactly what it started.
 */
export async function startDashboard(env: Record<string, string>, timeoutMs = 240_000): Promise<DashboardServer> {
  const port = await freePort();
  const child: ChildProcess = spawn("npx", ["tsx", "server/bin/start.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), NSATLAS_HOST: "127.0.0.1" },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null) return;
    process.kill(-child.pid, "SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  };
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`dashboard exited with ${child.exitCode} before serving`);
    try {
      const res = await fetch(`${url}/api/v1/healthz`);
      if (res.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`dashboard did not answer on ${url} within ${timeoutMs} ms`);
}
