import { spawnSync } from "node:child_process";

class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`\`${command}\` failed (exit ${status ?? "signal"}): ${stderr.trim().slice(0, 2000)}`);
  }
}

interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs a command without a shell; throws CommandError with its stderr when it fails. */
export function run(cmd: string, args: string[], options: RunOptions = {}): string {
  const result = spawnSync(cmd, args, {
    input: options.input,
    env: options.env ? { ...process.env, ...options.env } : process.env,
    cwd: options.cwd,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const shown = [cmd, ...args].join(" ");
  if (result.error) throw new CommandError(shown, null, result.error.message);
  if (result.status !== 0) throw new CommandError(shown, result.status, result.stderr || result.stdout);
  return result.stdout;
}

/** Like run, but a failure is only reported (teardown must go on past what is already gone). */
export function tryRun(cmd: string, args: string[], options: RunOptions = {}): { ok: boolean; out: string } {
  try {
    return { ok: true, out: run(cmd, args, options) };
  } catch (err) {
    return { ok: false, out: err instanceof Error ? err.message : String(err) };
  }
}

/** Is a program on PATH? */
export function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
