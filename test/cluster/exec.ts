import { execFile } from "node:child_process";

/** Like sh.ts's run, but without blocking the event loop, so several nodes can be set up at once. */
export function runAsync(cmd: string, args: string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const execOptions = { encoding: "utf8" as const, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, env: options.env ?? process.env };
    const child = execFile(cmd, args, execOptions, (err, stdout, stderr) => {
      if (err) reject(new Error(`\`${[cmd, ...args].join(" ").slice(0, 300)}\` failed: ${(stderr || err.message).trim().slice(0, 2000)}`));
      else resolve(stdout);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * Runs a bash script inside node `pid1`'s namespaces (pid, mount, net, uts): what runs there sees only that
 * node. What the script leaves running in the background is orphaned to the node's pid 1, which reaps it.
 */
export function inNode(pid1: number, script: string, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return runAsync("nsenter", ["-t", String(pid1), "-p", "-m", "-n", "-u", "--", "bash", "-euo", "pipefail", "-c", script], options);
}

/** Quotes a word for bash (the cluster's own names never need it, but a caller's pod name might). */
export function shq(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
