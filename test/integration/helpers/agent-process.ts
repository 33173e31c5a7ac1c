/** `nsatlas agent` as a real process (the package's bin, bundled), on a free loopback port, stopped by PID. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const NSATLAS_BIN = path.join(ROOT, "server/bin/nsatlas.mjs");

export interface AgentProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then waits for the exit: its code and how long it took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

export async function startAgent(env: Record<string, string>, host = "127.0.0.1"): Promise<AgentProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "nsatlas-agent-data-"));
  const child = spawn(process.execPath, [NSATLAS_BIN, "agent", "--listen", `${host}:${port}`], {
    cwd: os.tmpdir(),
    env: { ...process.env, NSATLAS_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nsatlas agent exited with ${child.exitCode}: ${output}`);
    const ok = await fetch(`${url}/livez`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nsatlas agent did not answer /livez within 30 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => output,
    async stop() {
      const started = Date.now();
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
      return { code, ms: Date.now() - started };
    },
  };
}
