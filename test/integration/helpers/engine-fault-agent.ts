/**
 * `nsatlas agent` as a real process (as agent-process.ts starts it), optionally without CAP_DAC_OVERRIDE
 * and CAP_DAC_READ_SEARCH (so that a mode-000 engine socket refuses it, as it refuses a non-root
 * agent), and the assertion every engine-failure test makes on what the API answers.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { healthSchema } from "../../../server/contract/health";
import { engineMessage, STATUS_OF_STATE, type EngineState, type RuntimeName, type RuntimeStatus } from "../../../server/contract/runtime-status";
import { snapshotOverviewSchema } from "../../../server/contract/snapshot";
import { freePort } from "./free-port";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const NSATLAS_BIN = path.join(ROOT, "server/bin/nsatlas.mjs");

export interface FaultAgent {
  url: string;
  output: () => string;
  health(): Promise<RuntimeStatus[]>;
  snapshot(): Promise<RuntimeStatus[]>;
  stop(): Promise<void>;
}

export async function startFaultAgent(env: Record<string, string>, options: { withoutDacOverride?: boolean } = {}): Promise<FaultAgent> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "t16eng-agent-data-"));
  const command = [process.execPath, NSATLAS_BIN, "agent", "--listen", `127.0.0.1:${port}`];
  const argv = options.withoutDacOverride
    ? ["setpriv", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--", ...command]
    : command;
  const [bin = "", ...rest] = argv;
  const child = spawn(bin, rest, {
    cwd: os.tmpdir(),
    env: { ...process.env, NSATLAS_DATA_DIR: dataDir, NSATLAS_LOG_LEVEL: "debug", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nsatlas agent exited with ${child.exitCode}: ${output}`);
    }
    if (
      await fetch(`${url}/livez`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > until) {
      await stop();
      throw new Error(`nsatlas agent did not answer /livez within 30 s: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const getJson = async (pathname: string): Promise<unknown> => {
    const response = await fetch(`${url}${pathname}`);
    expect(response.status, pathname).toBe(200);
    return response.json();
  };
  return {
    url,
    output: () => output,
    health: async () => healthSchema.parse(await getJson("/api/v1/healthz")).runtimes,
    snapshot: async () => snapshotOverviewSchema.parse(await getJson("/api/v1/snapshot?view=overview")).runtimes,
    stop,
  };
}

/**
 * Exactly the documented status: the state, the coarse status older consumers read, the fixed message
 * (engine, endpoint, what to do), and a detail that is a code, never the library's text.
 */
export function expectEngineStatus(
  runtimes: RuntimeStatus[],
  want: { name: RuntimeName; endpoint: string; state: EngineState; timeoutMs?: number; detail?: string | RegExp },
): RuntimeStatus {
  const found = runtimes.find((r) => r.endpoint === want.endpoint && r.name === want.name);
  if (found === undefined) throw new Error(`no ${want.name} at ${want.endpoint} in ${JSON.stringify(runtimes)}`);
  const message = engineMessage(want.name, want.endpoint, want.state, want.state === "timeout" ? want.timeoutMs : undefined);
  expect({ state: found.state, status: found.status, message: found.message }, want.name).toEqual({
    state: want.state,
    status: STATUS_OF_STATE[want.state],
    message,
  });
  if (want.state === "ok") {
    expect(found.detail).toBeUndefined();
    expect(found.error).toBeUndefined();
  } else {
    expect(found.error).toBe(message);
    expect(found.detail).toMatch(/^[\x20-\x7e]{1,80}$/);
    if (want.detail !== undefined) expect(found.detail).toMatch(want.detail);
  }
  return found;
}
